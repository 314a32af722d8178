package dev.bitnet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.TokenListener;
import dev.bitnet.sampling.SamplingParams;
import dev.bitnet.scheduler.Generation;
import dev.bitnet.scheduler.Scheduler;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}: each choice (a prompt, {@code n} times) is one
 * sequence in the scheduler, so the choices of a request batch with each other and with other requests. With
 * {@code "stream": true} the text goes out as server-sent events while it is generated; a client that goes away is
 * noticed at the next write (or the next keep-alive comment, every two seconds while nothing comes) and its sequences
 * are cancelled, so their places and KV blocks go to the next requests.
 */
final class CompletionEndpoint {
    private static final long KEEP_ALIVE_MILLIS = 2000;

    private final Scheduler scheduler;
    private final String modelName;
    private final boolean chat;

    CompletionEndpoint(Scheduler scheduler, String modelName, boolean chat) {
        this.scheduler = scheduler;
        this.modelName = modelName;
        this.chat = chat;
    }

    /** A request's choices as they run: choice k is prompt k / n, with its echo (or null). */
    private record Choices(List<Generation> generations, List<Responses.Echo> echoes, int promptTokens) {
        void cancel() {
            generations.forEach(Generation::cancel);
        }
    }

    void handle(HttpExchange exchange, JsonNode body) throws IOException {
        CompletionRequest request = CompletionRequest.parse(body, chat);
        int choices = request.prompts().size() * request.n();
        TextQueue text = new TextQueue(choices);
        Choices running = submit(request, text);
        String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        long created = System.currentTimeMillis() / 1000;
        Llama3Tokenizer logprobs = request.logprobs() >= 0 ? scheduler.model().tokenizer() : null;
        if (request.stream()) stream(exchange, running, text, request.includeUsage(), logprobs, id, created);
        else whole(exchange, running, logprobs, id, created);
    }

    /** Tokenizes and checks every prompt, then queues every choice (none when any prompt is refused). */
    private Choices submit(CompletionRequest request, TextQueue text) {
        BitNetModel model = scheduler.model();
        String field = chat ? "messages" : "prompt";
        List<int[]> prompts = new ArrayList<>();
        int promptTokens = 0;
        for (CompletionRequest.Prompt p : request.prompts()) {
            int[] ids = p.ids() != null ? p.ids() : model.tokenizer().encode(p.text(), true);
            if (ids.length > model.contextLength()) {
                throw ApiError.invalid(field, "the prompt" + (request.prompts().size() > 1 ? " " + prompts.size() : "")
                        + " is " + ids.length + " tokens; the context holds " + model.contextLength()
                        + " (start the server with a larger --ctx-size)");
            }
            try {
                model.config().requireTokenIds(ids);
            } catch (BitNetException e) {
                throw ApiError.invalid(field, e.getMessage());
            }
            prompts.add(ids);
            promptTokens += ids.length;
        }
        int maxTokens = request.maxTokens() < 0 ? model.contextLength() : request.maxTokens();
        List<Generation> generations = new ArrayList<>();
        List<Responses.Echo> echoes = new ArrayList<>();
        try {
            for (int p = 0; p < prompts.size(); p++) {
                int[] ids = prompts.get(p);
                String promptText = request.prompts().get(p).text();
                for (int j = 0; j < request.n(); j++) {
                    int index = generations.size();
                    SamplingParams s = request.sampling();
                    var sampling = new SamplingParams(s.temperature(), s.topK(), s.topP(), s.minP(), s.repetitionPenalty(),
                            s.repeatLastN(), s.seed() + j);
                    TokenListener listener = request.stream() ? text.listener(index) : TokenListener.NONE;
                    var params = new GenerationParams(maxTokens, sampling, request.stop(), request.logprobs());
                    // echo with logprobs scores the prompt (which then cannot come from the prefix cache)
                    Generation g = scheduler.submit(ids, params, listener, request.echo() && request.logprobs() >= 0);
                    g.result().whenComplete((r, e) -> text.end());
                    generations.add(g);
                    echoes.add(!request.echo() ? null
                            : new Responses.Echo(promptText != null ? promptText : model.tokenizer().decode(ids), ids, null));
                }
            }
        } catch (BitNetException e) {
            generations.forEach(Generation::cancel);
            if (scheduler.isClosed()) throw ApiError.unavailable("the server is shutting down");
            throw ApiError.invalid(field, e.getMessage());
        }
        return new Choices(generations, echoes, promptTokens);
    }

    private void whole(HttpExchange exchange, Choices running, Llama3Tokenizer logprobs, String id, long created) throws IOException {
        List<GenerationResult> results = new ArrayList<>();
        try {
            for (Generation g : running.generations()) results.add(g.result().get());
        } catch (ExecutionException e) {
            running.cancel();
            throw ApiError.internal("generation failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            running.cancel();
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("the server is shutting down");
        }
        List<Responses.Echo> echoes = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) { // the prompt's scores are there now that its generation is complete
            Responses.Echo e = running.echoes().get(k);
            echoes.add(e == null ? null : new Responses.Echo(e.text(), e.ids(), running.generations().get(k).promptLogprobs()));
        }
        OpenAiServer.sendJson(exchange, 200, Responses.whole(chat, id, created, modelName, results, echoes,
                running.promptTokens(), logprobs));
    }

    private void stream(HttpExchange exchange, Choices running, TextQueue text, boolean includeUsage,
                        Llama3Tokenizer logprobs, String id, long created) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<Generation> generations = running.generations();
        int[] offsets = new int[generations.size()]; // completions' text_offset, per choice
        try {
            if (chat) {
                for (int k = 0; k < generations.size(); k++) event(out, Responses.chunk(true, id, created, modelName, k, "", true, null, null));
            }
            for (int k = 0; k < generations.size(); k++) { // echo: the prompt first (streams take echo without logprobs)
                Responses.Echo e = running.echoes().get(k);
                if (e != null) event(out, Responses.chunk(false, id, created, modelName, k, e.text(), false, null, null));
            }
            for (TextQueue.Piece piece; (piece = text.next(KEEP_ALIVE_MILLIS)) == null || piece.index() >= 0; ) {
                if (piece == null) {
                    write(out, ": keep-alive\n\n");
                    continue;
                }
                JsonNode lps = null;
                if (logprobs != null) {
                    lps = Responses.logprobs(chat, piece.logprobs(), logprobs, offsets[piece.index()]);
                    for (var lp : piece.logprobs()) offsets[piece.index()] += logprobs.piece(lp.id()).length();
                }
                event(out, Responses.chunk(chat, id, created, modelName, piece.index(), piece.text(), false, null, lps));
            }
            int completionTokens = 0;
            for (int k = 0; k < generations.size(); k++) {
                GenerationResult r;
                try {
                    r = generations.get(k).result().get();
                } catch (ExecutionException e) {
                    event(out, Responses.error(ApiError.internal("generation failed: " + e.getCause().getMessage())));
                    write(out, "data: [DONE]\n\n");
                    running.cancel();
                    return;
                }
                completionTokens += r.ids().length;
                event(out, Responses.chunk(chat, id, created, modelName, k, null, false, r.stopReason(), null));
            }
            if (includeUsage) {
                event(out, Responses.usageChunk(chat, id, created, modelName, running.promptTokens(), completionTokens));
            }
            write(out, "data: [DONE]\n\n");
        } catch (IOException e) { // the client went away: free its places
            running.cancel();
            throw e;
        } catch (InterruptedException e) {
            running.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream out, JsonNode json) throws IOException {
        write(out, "data: " + Responses.JSON.writeValueAsString(json) + "\n\n");
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
