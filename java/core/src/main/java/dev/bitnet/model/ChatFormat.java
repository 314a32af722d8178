package dev.bitnet.model;

/**
 * BitNet b1.58's chat format (the reference generator's): {@code <|begin_of_text|>}, then each message as
 * {@code "Role: " + trimmed content + "<|eot_id|>"}, then {@code "Assistant: "} to prompt the reply, which ends with
 * {@code <|eot_id|>}.
 */
public final class ChatFormat {
    public static final String END_OF_TURN = "<|eot_id|>";
    public static final String END_OF_TEXT = "<|end_of_text|>";
    public static final String BEGIN_OF_TEXT = "<|begin_of_text|>";

    private ChatFormat() {
    }

    /** A whole message: {@code "User: hello<|eot_id|>"}. */
    public static String message(String role, String content) {
        String r = role.isEmpty() ? role : Character.toUpperCase(role.charAt(0)) + role.substring(1).toLowerCase();
        return r + ": " + content.strip() + END_OF_TURN;
    }

    /** The text that asks the model for its reply. */
    public static String replyPrompt() {
        return "Assistant: ";
    }
}
