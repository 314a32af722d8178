package dev.bitnet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bitnet.api.BitNetException;
import dev.bitnet.scheduler.Scheduler;
import dev.bitnet.scheduler.SchedulerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible HTTP server over a {@link Scheduler}: every request is a sequence in its continuous batch.
 *
 * <pre>
 * POST /v1/completions        prompt (text or token ids) -> text_completion, or server-sent events with "stream"
 * POST /v1/chat/completions   messages (BitNet chat format) -> chat.completion, or chat.completion.chunk events
 * GET  /v1/models             the one model served (and /v1/models/{id})
 * GET  /health                {"status": "ok", running, waiting, prompt_tokens, cached_prompt_tokens, cancelled}
 * GET  /metrics               the scheduler's counters in Prometheus' text format
 * </pre>
 * The paths also answer without {@code /v1}, as llama.cpp's server does. With an API key configured every endpoint but
 * {@code /health} wants {@code Authorization: Bearer KEY}; responses allow any origin (CORS), and preflights get 204. Every refusal is OpenAI's error object with a
 * message naming the field at fault; no request can stop the server or disturb another request. Requests run on
 * virtual threads; only the scheduler's thread touches the model.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiServer.class);

    private final HttpServer http;
    private final ExecutorService executor;
    private final Scheduler scheduler;
    private final ServerConfig config;
    private final CompletionEndpoint completions;
    private final CompletionEndpoint chatCompletions;
    private final long started = System.currentTimeMillis() / 1000;

    private OpenAiServer(HttpServer http, Scheduler scheduler, ServerConfig config) {
        this.http = http;
        this.scheduler = scheduler;
        this.config = config;
        this.completions = new CompletionEndpoint(scheduler, config.modelName(), false);
        this.chatCompletions = new CompletionEndpoint(scheduler, config.modelName(), true);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::route);
    }

    /** Binds the address and starts serving; a port in use or a bad host throws {@link BitNetException}. */
    public static OpenAiServer start(Scheduler scheduler, ServerConfig config) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        } catch (IOException | RuntimeException e) {
            throw new BitNetException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
        }
        OpenAiServer server = new OpenAiServer(http, scheduler, config);
        http.start();
        LOG.info("serving {} on http://{}:{}", config.modelName(), config.host(), server.port());
        return server;
    }

    /** The port listened on (the one picked, when the configured port was 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    private void route(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String route = path.startsWith("/v1/") ? path.substring(3) : path;
            // browsers' pages may call the API from any origin (llama.cpp's server and vLLM allow it too)
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
            try {
                if (exchange.getRequestMethod().equals("OPTIONS")) { // a CORS preflight
                    exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                    exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Authorization, Content-Type");
                    exchange.sendResponseHeaders(204, -1);
                    return;
                }
                if (!route.equals("/health")) requireApiKey(exchange);
                switch (route) {
                    case "/completions" -> completions.handle(exchange, body(exchange, "POST"));
                    case "/chat/completions" -> chatCompletions.handle(exchange, body(exchange, "POST"));
                    case "/models" -> {
                        requireMethod(exchange, "GET");
                        sendJson(exchange, 200, models());
                    }
                    case "/health" -> {
                        requireMethod(exchange, "GET");
                        SchedulerStats stats = scheduler.stats();
                        ObjectNode health = Responses.JSON.createObjectNode().put("status", "ok")
                                .put("running", stats.running()).put("waiting", stats.waiting())
                                .put("prompt_tokens", stats.promptTokens()).put("cached_prompt_tokens", stats.cachedPromptTokens())
                                .put("cancelled", stats.cancelled());
                        sendJson(exchange, 200, health);
                    }
                    case "/metrics" -> {
                        requireMethod(exchange, "GET");
                        byte[] text = Metrics.render(scheduler.stats()).getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                        exchange.sendResponseHeaders(200, text.length);
                        exchange.getResponseBody().write(text);
                    }
                    case String r when r.startsWith("/models/") -> { // one model by id, as OpenAI's retrieve call
                        requireMethod(exchange, "GET");
                        String wanted = java.net.URLDecoder.decode(r.substring("/models/".length()), StandardCharsets.UTF_8);
                        if (!wanted.equals(config.modelName())) {
                            throw ApiError.notFound("no model '" + wanted + "' here; this server serves '" + config.modelName() + "'");
                        }
                        sendJson(exchange, 200, model());
                    }
                    default -> throw ApiError.notFound("no such endpoint: " + path
                            + " (this server has /v1/completions, /v1/chat/completions, /v1/models, /health, /metrics)");
                }
            } catch (ApiError e) {
                sendError(exchange, e);
            } catch (BitNetException e) {
                sendError(exchange, ApiError.invalid(null, e.getMessage()));
            } catch (IOException e) {
                LOG.debug("{} {}: the client went away ({})", exchange.getRequestMethod(), path, e.toString());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), path, e);
                sendError(exchange, ApiError.internal("internal error: " + e));
            }
        }
    }

    /** With an API key configured: {@code Authorization: Bearer <key>}, compared in constant time. */
    private void requireApiKey(HttpExchange exchange) {
        if (config.apiKey() == null) return;
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + config.apiKey()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw ApiError.unauthorized(given == null ? "this server needs an API key: send 'Authorization: Bearer KEY'"
                    : "invalid API key");
        }
    }

    private ObjectNode models() {
        ObjectNode root = Responses.JSON.createObjectNode().put("object", "list");
        root.putArray("data").add(model());
        return root;
    }

    private ObjectNode model() {
        return Responses.JSON.createObjectNode().put("id", config.modelName()).put("object", "model").put("created", started)
                .put("owned_by", "bitnet-java").put("max_model_len", scheduler.model().contextLength());
    }

    /** The request's JSON body, read up to the size limit. */
    private JsonNode body(HttpExchange exchange, String method) throws IOException {
        requireMethod(exchange, method);
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(config.maxBodyBytes() + 1);
        }
        if (bytes.length > config.maxBodyBytes()) throw ApiError.tooLarge(config.maxBodyBytes());
        if (bytes.length == 0) throw ApiError.invalid(null, "the request has no body: send a JSON object");
        try {
            return Responses.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw ApiError.methodNotAllowed(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), method);
        }
    }

    static void sendJson(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = Responses.JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The error as a response, unless a response has begun (a stream reports its errors as events). */
    private static void sendError(HttpExchange exchange, ApiError e) {
        if (exchange.getResponseCode() != -1) return;
        try {
            sendJson(exchange, e.status, Responses.error(e));
        } catch (IOException ignored) { // the client went away
        }
    }

    /**
     * Closes the scheduler (requests in flight end with an error, new ones get 503), then stops listening after at
     * most a second for the responses being written. The model stays the caller's to close.
     */
    @Override
    public void close() {
        scheduler.close();
        http.stop(1);
        executor.shutdownNow();
    }
}
