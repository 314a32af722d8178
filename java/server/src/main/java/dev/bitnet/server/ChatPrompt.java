package dev.bitnet.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitnet.model.ChatFormat;

import java.util.Map;

/**
 * OpenAI chat messages in BitNet's chat format: each message as {@code "Role: content<|eot_id|>"}, then
 * {@code "Assistant: "} for the reply (see {@link ChatFormat}); the tokenizer adds {@code <|begin_of_text|>}.
 */
final class ChatPrompt {
    /** OpenAI roles and the names the chat format gives them ("developer" is the newer name of "system"). */
    private static final Map<String, String> ROLES = Map.of("system", "System", "developer", "System",
            "user", "User", "assistant", "Assistant");

    private ChatPrompt() {
    }

    /** The prompt text for {@code messages} (a JSON array). */
    static String render(JsonNode messages) {
        if (messages == null || messages.isNull()) throw ApiError.invalid("messages", "'messages' is required");
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty array of {\"role\", \"content\"} objects");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) throw ApiError.invalid(at, at + " must be an object");
            JsonNode role = m.get("role");
            String name = role != null && role.isTextual() ? ROLES.get(role.asText()) : null;
            if (name == null) {
                throw ApiError.invalid(at + ".role", at + ".role must be one of system, developer, user, assistant; got "
                        + (role == null ? "nothing" : role.toString()));
            }
            text.append(ChatFormat.message(name, content(m.get("content"), at + ".content")));
        }
        return text.append(ChatFormat.replyPrompt()).toString();
    }

    /** A message's text: a string, or an array of {@code {"type": "text", "text": ...}} parts joined. */
    private static String content(JsonNode c, String at) {
        if (c != null && c.isTextual()) return c.asText();
        if (c != null && c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < c.size(); i++) {
                JsonNode part = c.get(i);
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.invalid(at, at + "[" + i + "] must be {\"type\": \"text\", \"text\": \"...\"}: this server reads text only");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiError.invalid(at, at + " must be a string or an array of text parts");
    }
}
