package dev.bitnet.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitnet.sampling.SamplingParams;
import dev.bitnet.sampling.TokenLogprob;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The body of {@code /v1/completions} or {@code /v1/chat/completions}, checked field by field. Fields are OpenAI's,
 * plus llama.cpp's and vLLM's sampling extensions ({@code top_k}, {@code min_p}, {@code repetition_penalty} or
 * {@code repeat_penalty}); fields this server does not know are ignored, as OpenAI clients send many, but the ones it
 * knows and cannot honour ({@code best_of}, penalties other than repetition, chat's {@code echo}) are refused.
 *
 * @param prompts      the prompts (chat: one, the rendered conversation); each gets {@code n} choices
 * @param n            completions per prompt (with a seed, choice j samples with seed + j)
 * @param maxTokens    the most tokens to generate, or -1 for as many as the context holds
 * @param logprobs     -1, or how many alternatives to report with each token's log-probability (completions:
 *                     {@code logprobs: k}; chat: {@code logprobs: true, top_logprobs: k})
 * @param sampling     temperature, top-k, top-p, min-p, repetition penalty, seed
 * @param stop         stop strings
 * @param stream       send server-sent events as tokens come
 * @param includeUsage with stream, a last event with token counts ({@code stream_options.include_usage})
 * @param echo         completions: the prompt comes back before the completion (with logprobs, each prompt token
 *                     scored: an evaluation harness's loglikelihood request, usually with {@code max_tokens: 0})
 */
record CompletionRequest(List<Prompt> prompts, int n, int maxTokens, int logprobs, SamplingParams sampling,
                         List<String> stop, boolean stream, boolean includeUsage, boolean echo) {
    /** The most choices one request may ask for (prompts × n); they queue like separate requests. */
    static final int MAX_CHOICES = 128;

    /** A prompt as text (BOS is added when tokenized) or as token ids used as given: exactly one is non-null. */
    record Prompt(String text, int[] ids) {
    }

    /** OpenAI's defaults: completions generate 16 tokens, chat until the reply ends; temperature 1, no truncation. */
    static CompletionRequest parse(JsonNode body, boolean chat) {
        if (!body.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        List<Prompt> prompts = chat ? List.of(new Prompt(ChatPrompt.render(body.get("messages")), null))
                : prompts(body.get("prompt"));
        int n = intField(body, "n", 1, 1);
        if ((long) n * prompts.size() > MAX_CHOICES) {
            throw ApiError.invalid("n", "at most " + MAX_CHOICES + " choices per request (prompts x n), got " + prompts.size() * (long) n);
        }
        int maxTokens = chat ? intField(body, "max_completion_tokens", intField(body, "max_tokens", -1, 0), 0)
                : intField(body, "max_tokens", 16, 0);
        float temperature = (float) number(body, "temperature", 1.0, 0, 2);
        int topK = intField(body, "top_k", 0, 0);
        float topP = (float) number(body, "top_p", 1.0, 0, 1);
        float minP = (float) number(body, "min_p", 0.0, 0, 1);
        float penalty = (float) number(body, "repetition_penalty", number(body, "repeat_penalty", 1.0, 0, 10), 0, 10);
        if (penalty <= 0) throw ApiError.invalid("repetition_penalty", "'repetition_penalty' must be > 0");
        int lastN = intField(body, "repeat_last_n", 64, 0);
        long seed = body.hasNonNull("seed") ? longField(body, "seed") : ThreadLocalRandom.current().nextLong();
        refuseUnsupported(body, chat);
        int logprobs = chat ? (bool(body, "logprobs") ? topLogprobs(body) : refuseTopWithoutLogprobs(body))
                : body.hasNonNull("logprobs") ? intField(body, "logprobs", -1, 0) : -1;
        if (logprobs > TokenLogprob.MAX_TOP) {
            throw ApiError.invalid(chat ? "top_logprobs" : "logprobs", "at most " + TokenLogprob.MAX_TOP + " alternatives, got " + logprobs);
        }
        boolean stream = bool(body, "stream");
        boolean echo = !chat && bool(body, "echo");
        if (echo && stream && logprobs >= 0) {
            throw ApiError.invalid("echo", "'echo' with 'logprobs' is supported without 'stream' only");
        }
        JsonNode options = body.get("stream_options");
        boolean usage = options != null && options.isObject() && bool(options, "include_usage");
        return new CompletionRequest(prompts, n, maxTokens, logprobs, new SamplingParams(temperature, topK, topP, minP, penalty,
                lastN, seed), stops(body.get("stop")), stream, usage, echo);
    }

    /** A string, an array of token ids, or an array of either (a batch: a choice or n for each). */
    private static List<Prompt> prompts(JsonNode p) {
        String expected = "'prompt' must be a string, an array of token ids, or an array of those";
        if (p == null || p.isNull()) throw ApiError.invalid("prompt", "'prompt' is required");
        Prompt one = prompt(p);
        if (one != null) return List.of(one);
        if (!p.isArray() || p.isEmpty()) throw ApiError.invalid("prompt", expected);
        List<Prompt> all = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            Prompt each = prompt(p.get(i));
            if (each == null) throw ApiError.invalid("prompt", expected + "; prompt[" + i + "] is " + p.get(i).getNodeType().name().toLowerCase());
            all.add(each);
        }
        return all;
    }

    /** One prompt (a string, or a non-empty array of integers), or null if {@code p} is not one. */
    private static Prompt prompt(JsonNode p) {
        if (p.isTextual()) return new Prompt(p.asText(), null);
        if (!p.isArray() || p.isEmpty()) return null;
        int[] ids = new int[p.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!p.get(i).isInt()) return null;
            ids[i] = p.get(i).asInt();
        }
        return new Prompt(null, ids);
    }

    private static void refuseUnsupported(JsonNode body, boolean chat) {
        if (body.hasNonNull("best_of") && !(body.get("best_of").isInt() && body.get("best_of").asInt() == 1)) {
            throw ApiError.invalid("best_of", "only best_of = 1 is supported");
        }
        for (String f : chat ? new String[]{"echo"} : new String[0]) { // chat completions have no echo
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                throw ApiError.invalid(f, "'" + f + "' is not supported by this server");
            }
        }
        for (String f : new String[]{"presence_penalty", "frequency_penalty"}) {
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && !(v.isNumber() && v.asDouble() == 0)) {
                throw ApiError.invalid(f, "'" + f + "' is not supported; use 'repetition_penalty'");
            }
        }
    }

    private static int topLogprobs(JsonNode body) {
        return intField(body, "top_logprobs", 0, 0);
    }

    private static int refuseTopWithoutLogprobs(JsonNode body) {
        if (body.hasNonNull("top_logprobs")) throw ApiError.invalid("top_logprobs", "'top_logprobs' needs \"logprobs\": true");
        return -1;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) return List.of();
        if (stop.isTextual()) return List.of(stop.asText());
        if (stop.isArray()) {
            List<String> all = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw ApiError.invalid("stop", "'stop' must be a string or an array of strings");
                all.add(s.asText());
            }
            return all;
        }
        throw ApiError.invalid("stop", "'stop' must be a string or an array of strings");
    }

    private static int intField(JsonNode body, String name, int absent, int min) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return absent;
        if (!v.isInt() || v.asInt() < min) {
            throw ApiError.invalid(name, "'" + name + "' must be an integer >= " + min + ", got " + v);
        }
        return v.asInt();
    }

    private static long longField(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiError.invalid(name, "'" + name + "' must be an integer, got " + v);
        return v.asLong();
    }

    private static double number(JsonNode body, String name, double absent, double min, double max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return absent;
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
            throw ApiError.invalid(name, "'" + name + "' must be a number in [" + min + ", " + max + "], got " + v);
        }
        return v.asDouble();
    }

    private static boolean bool(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiError.invalid(name, "'" + name + "' must be true or false, got " + v);
        return v.asBoolean();
    }
}
