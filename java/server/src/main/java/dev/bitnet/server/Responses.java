package dev.bitnet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.StopReason;
import dev.bitnet.sampling.TokenLogprob;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.util.List;

/**
 * The JSON bodies of OpenAI's completion API: whole responses, stream chunks, usage, errors. One place for the
 * field names, so completions and chat stay alike.
 */
final class Responses {
    static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {
    }

    /** OpenAI's finish_reason: "stop" for an end token or stop string, "length" for the token limit or a full context. */
    static String finishReason(StopReason r) {
        return switch (r) {
            case END_OF_TURN, STOP_STRING -> "stop";
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            case CANCELLED -> null;
        };
    }

    /** The fields every completion object has: id, object, created, model, and an empty choices array (returned). */
    private static ArrayNode envelope(ObjectNode root, String id, String object, long created, String model) {
        root.put("id", id).put("object", object).put("created", created).put("model", model);
        return root.putArray("choices");
    }

    /** What {@code echo} puts before a choice: the prompt's text, its ids and (with logprobs) their scores. */
    record Echo(String text, int[] ids, List<TokenLogprob> scores) {
    }

    /**
     * A whole completion ({@code text_completion}) or chat completion ({@code chat.completion}), choice k = results[k]
     * (after echoes[k] where echo was asked, else null); with {@code tokenizer} (logprobs asked) each choice carries
     * its logprobs object.
     */
    static ObjectNode whole(boolean chat, String id, long created, String model, List<GenerationResult> results,
                            List<Echo> echoes, int promptTokens, Llama3Tokenizer tokenizer) {
        ObjectNode root = JSON.createObjectNode();
        var choices = envelope(root, id, chat ? "chat.completion" : "text_completion", created, model);
        int completionTokens = 0;
        for (int k = 0; k < results.size(); k++) {
            GenerationResult r = results.get(k);
            ObjectNode choice = choices.addObject().put("index", k);
            Echo echo = echoes.get(k);
            if (chat) choice.putObject("message").put("role", "assistant").put("content", r.text());
            else choice.put("text", echo == null ? r.text() : echo.text() + r.text());
            if (tokenizer == null) choice.putNull("logprobs");
            else if (echo == null) choice.set("logprobs", logprobs(chat, r.logprobs(), tokenizer, 0));
            else choice.set("logprobs", echoLogprobs(echo, r.logprobs(), tokenizer));
            choice.put("finish_reason", finishReason(r.stopReason()));
            completionTokens += r.ids().length;
        }
        usage(root, promptTokens, completionTokens);
        return root;
    }

    /**
     * One stream event for choice {@code index}: a piece of text (chat: {@code delta.content}; with {@code first} the
     * role) with its tokens' {@code logprobs} object (or null), or with {@code reason} the choice's last chunk, without text.
     */
    static ObjectNode chunk(boolean chat, String id, long created, String model, int index, String text, boolean first,
                            StopReason reason, JsonNode logprobs) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode choice = envelope(root, id, chat ? "chat.completion.chunk" : "text_completion", created, model).addObject();
        choice.put("index", index);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            if (text != null) delta.put("content", text);
        } else {
            choice.put("text", text == null ? "" : text);
        }
        if (logprobs != null) choice.set("logprobs", logprobs);
        else choice.putNull("logprobs");
        if (reason != null) choice.put("finish_reason", finishReason(reason));
        else choice.putNull("finish_reason");
        return root;
    }

    /**
     * OpenAI's logprobs object of a run of tokens: chat {@code {"content": [{token, logprob, bytes, top_logprobs}]}},
     * completions {@code {tokens, token_logprobs, top_logprobs: [{token: logprob}], text_offset}} (offsets into the
     * choice's text from {@code offset}, counted in token pieces).
     */
    static ObjectNode logprobs(boolean chat, List<TokenLogprob> tokens, Llama3Tokenizer t, int offset) {
        ObjectNode root = JSON.createObjectNode();
        if (chat) {
            ArrayNode content = root.putArray("content");
            for (TokenLogprob lp : tokens) {
                ObjectNode entry = token(content.addObject(), t, lp.id(), lp.logprob());
                ArrayNode top = entry.putArray("top_logprobs");
                for (int j = 0; j < lp.topIds().length; j++) token(top.addObject(), t, lp.topIds()[j], lp.topLogprobs()[j]);
            }
            return root;
        }
        completionArrays(root);
        for (TokenLogprob lp : tokens) offset = completionToken(root, t, lp.id(), lp, offset);
        return root;
    }

    /**
     * Completions' logprobs object with the prompt first: its first token has no log-probability (null, as OpenAI's),
     * each later one is scored given those before it; then the generated tokens.
     */
    static ObjectNode echoLogprobs(Echo echo, List<TokenLogprob> generated, Llama3Tokenizer t) {
        ObjectNode root = completionArrays(JSON.createObjectNode());
        int offset = 0;
        for (int i = 0; i < echo.ids().length; i++) {
            offset = completionToken(root, t, echo.ids()[i], i == 0 ? null : echo.scores().get(i - 1), offset);
        }
        for (TokenLogprob lp : generated) offset = completionToken(root, t, lp.id(), lp, offset);
        return root;
    }

    private static ObjectNode completionArrays(ObjectNode root) {
        for (String f : new String[]{"tokens", "token_logprobs", "top_logprobs", "text_offset"}) root.putArray(f);
        return root;
    }

    /** One token of completions' logprobs object ({@code lp} null: not scored); returns the offset after its piece. */
    private static int completionToken(ObjectNode root, Llama3Tokenizer t, int id, TokenLogprob lp, int offset) {
        String piece = t.piece(id);
        ((ArrayNode) root.get("tokens")).add(piece);
        ((ArrayNode) root.get("text_offset")).add(offset);
        ArrayNode values = (ArrayNode) root.get("token_logprobs"), top = (ArrayNode) root.get("top_logprobs");
        if (lp == null) {
            values.addNull();
            top.addNull();
        } else {
            values.add(lp.logprob());
            ObjectNode alternatives = top.addObject();
            for (int j = 0; j < lp.topIds().length; j++) alternatives.put(t.piece(lp.topIds()[j]), lp.topLogprobs()[j]);
        }
        return offset + piece.length();
    }

    private static ObjectNode token(ObjectNode entry, Llama3Tokenizer t, int id, float logprob) {
        entry.put("token", t.piece(id)).put("logprob", logprob);
        ArrayNode bytes = entry.putArray("bytes");
        for (byte b : t.tokenBytes(id)) bytes.add(b & 0xFF);
        return entry;
    }

    /** The stream's usage event ({@code stream_options.include_usage}): no choices, the token counts. */
    static ObjectNode usageChunk(boolean chat, String id, long created, String model, int promptTokens, int completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        envelope(root, id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        usage(root, promptTokens, completionTokens);
        return root;
    }

    private static void usage(ObjectNode root, int promptTokens, int completionTokens) {
        root.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
    }

    static ObjectNode error(ApiError e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage()).put("type", e.type);
        if (e.param != null) error.put("param", e.param);
        else error.putNull("param");
        error.putNull("code");
        return root;
    }
}
