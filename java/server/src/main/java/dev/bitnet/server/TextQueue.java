package dev.bitnet.server;

import dev.bitnet.api.TokenListener;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a request's text from the scheduler's thread, which must never wait on a client, to the request's own thread,
 * which writes it to the socket. {@link #end()} marks the end (after the last piece).
 */
final class TextQueue implements TokenListener {
    private static final String END = new String("end"); // compared by identity: no piece of text is this object

    private final LinkedBlockingQueue<String> pieces = new LinkedBlockingQueue<>();

    @Override
    public void onToken(int id, String text) {
        if (!text.isEmpty()) pieces.add(text);
    }

    void end() {
        pieces.add(END);
    }

    /**
     * The text that came since the last call, joined (waits up to {@code timeoutMillis} for some); "" when none came
     * in time; null once the end is reached.
     */
    String next(long timeoutMillis) throws InterruptedException {
        String first = pieces.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) return "";
        if (first == END) return null;
        StringBuilder text = new StringBuilder(first);
        for (String more; (more = pieces.peek()) != null && more != END; ) text.append(pieces.poll());
        return text.toString();
    }
}
