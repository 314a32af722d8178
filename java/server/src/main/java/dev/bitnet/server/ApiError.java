package dev.bitnet.server;

/**
 * A request the server refuses, as OpenAI's API reports it: an HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String param;

    private ApiError(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** 400: the request is wrong; {@code param} names the field at fault (or null). */
    static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "authentication_error", null, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", null, message);
    }

    static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", null, method + " is not supported on " + path + "; use " + allowed);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", null, "the request body is larger than " + limit + " bytes");
    }

    static ApiError unavailable(String message) {
        return new ApiError(503, "server_error", null, message);
    }

    static ApiError internal(String message) {
        return new ApiError(500, "server_error", null, message);
    }
}
