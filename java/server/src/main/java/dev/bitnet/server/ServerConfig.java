package dev.bitnet.server;

/**
 * Where and how the server listens.
 *
 * @param host         address to bind ("127.0.0.1" to serve this machine only, "0.0.0.0" for all interfaces)
 * @param port         TCP port (0 picks a free one; {@link OpenAiServer#port()} tells which)
 * @param modelName    the model's id in {@code /v1/models} and in responses
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param apiKey       when not null, every endpoint but {@code /health} wants {@code Authorization: Bearer apiKey}
 */
public record ServerConfig(String host, int port, String modelName, int maxBodyBytes, String apiKey) {
    public static final int DEFAULT_MAX_BODY_BYTES = 8 << 20;

    public ServerConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1");
        if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("the API key is empty");
    }

    /** Without an API key. */
    public ServerConfig(String host, int port, String modelName, int maxBodyBytes) {
        this(host, port, modelName, maxBodyBytes, null);
    }
}
