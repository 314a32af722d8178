package dev.bitnet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.TokenListener;
import dev.bitnet.scheduler.Generation;
import dev.bitnet.scheduler.Scheduler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}: one request, one sequence in the scheduler.
 * With {@code "stream": true} the text goes out as server-sent events while it is generated; a client that goes away
 * is noticed at the next write (or the next keep-alive comment, every two seconds while nothing comes) and its
 * sequence is cancelled, so its place and KV blocks go to the next request.
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

    void handle(HttpExchange exchange, JsonNode body) throws IOException {
        CompletionRequest request = CompletionRequest.parse(body, chat);
        BitNetModel model = scheduler.model();
        int[] ids = request.promptIds() != null ? request.promptIds() : model.tokenizer().encode(request.promptText(), true);
        String field = chat ? "messages" : "prompt";
        if (ids.length > model.contextLength()) {
            throw ApiError.invalid(field, "the prompt is " + ids.length + " tokens; the context holds "
                    + model.contextLength() + " (start the server with a larger --ctx-size)");
        }
        int maxTokens = request.maxTokens() < 0 ? model.contextLength() : request.maxTokens();
        var params = new GenerationParams(maxTokens, request.sampling(), request.stop());
        TextQueue text = new TextQueue();
        Generation generation;
        try {
            generation = scheduler.submit(ids, params, request.stream() ? text : TokenListener.NONE);
        } catch (BitNetException e) {
            if (scheduler.isClosed()) throw ApiError.unavailable("the server is shutting down");
            throw ApiError.invalid(field, e.getMessage());
        }
        String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        long created = System.currentTimeMillis() / 1000;
        if (request.stream()) stream(exchange, generation, text, request, id, created, ids.length);
        else whole(exchange, generation, id, created, ids.length);
    }

    private void whole(HttpExchange exchange, Generation generation, String id, long created, int promptTokens) throws IOException {
        GenerationResult r;
        try {
            r = generation.result().get();
        } catch (ExecutionException e) {
            throw ApiError.internal("generation failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("the server is shutting down");
        }
        OpenAiServer.sendJson(exchange, 200, Responses.whole(chat, id, created, modelName, r.text(), r.stopReason(),
                promptTokens, r.ids().length));
    }

    private void stream(HttpExchange exchange, Generation generation, TextQueue text, CompletionRequest request,
                        String id, long created, int promptTokens) throws IOException {
        generation.result().whenComplete((r, e) -> text.end());
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            if (chat) event(out, Responses.chunk(true, id, created, modelName, "", true, null));
            for (String piece; (piece = text.next(KEEP_ALIVE_MILLIS)) != null; ) {
                if (piece.isEmpty()) write(out, ": keep-alive\n\n");
                else event(out, Responses.chunk(chat, id, created, modelName, piece, false, null));
            }
            GenerationResult r;
            try {
                r = generation.result().get();
            } catch (ExecutionException e) {
                ObjectNode error = Responses.error(ApiError.internal("generation failed: " + e.getCause().getMessage()));
                event(out, error);
                write(out, "data: [DONE]\n\n");
                return;
            }
            event(out, Responses.chunk(chat, id, created, modelName, null, false, r.stopReason()));
            if (request.includeUsage()) {
                event(out, Responses.usageChunk(chat, id, created, modelName, promptTokens, r.ids().length));
            }
            write(out, "data: [DONE]\n\n");
        } catch (IOException e) { // the client went away: free its place
            generation.cancel();
            throw e;
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream out, ObjectNode json) throws IOException {
        write(out, "data: " + Responses.JSON.writeValueAsString(json) + "\n\n");
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
