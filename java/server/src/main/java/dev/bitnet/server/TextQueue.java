package dev.bitnet.server;

import dev.bitnet.api.TokenListener;
import dev.bitnet.sampling.TokenLogprob;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands a request's text from the scheduler's thread, which must never wait on a client, to the request's own thread,
 * which writes it to the socket. A request with several choices has one listener per choice ({@link #listener});
 * the queue ends when each choice has called {@link #end()}.
 */
final class TextQueue {
    /** Text of choice {@code index} and the log-probabilities of its tokens, if asked; an {@code index} of -1 marks the end. */
    record Piece(int index, String text, List<TokenLogprob> logprobs) {
    }

    private static final Piece END = new Piece(-1, "", List.of());

    private final LinkedBlockingQueue<Piece> pieces = new LinkedBlockingQueue<>();
    private final AtomicInteger open;

    TextQueue(int choices) {
        this.open = new AtomicInteger(choices);
    }

    /** The listener of choice {@code index}. */
    TokenListener listener(int index) {
        return new TokenListener() {
            private final List<TokenLogprob> pending = new ArrayList<>(1);

            @Override
            public void onLogprob(TokenLogprob logprob) {
                pending.add(logprob);
            }

            @Override
            public void onToken(int id, String text) {
                if (text.isEmpty() && pending.isEmpty()) return;
                pieces.add(new Piece(index, text, pending.isEmpty() ? List.of() : List.copyOf(pending)));
                pending.clear();
            }
        };
    }

    /** A choice has ended (after its last piece). */
    void end() {
        if (open.decrementAndGet() == 0) pieces.add(END);
    }

    /**
     * The next piece, joined with those of the same choice that follow it (waits up to {@code timeoutMillis} for
     * one); null when none came in time; {@link Piece#index()} -1 once every choice has ended.
     */
    Piece next(long timeoutMillis) throws InterruptedException {
        Piece first = pieces.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null || first == END) return first;
        StringBuilder text = new StringBuilder(first.text());
        List<TokenLogprob> logprobs = new ArrayList<>(first.logprobs());
        for (Piece more; (more = pieces.peek()) != null && more.index() == first.index(); ) {
            pieces.poll();
            text.append(more.text());
            logprobs.addAll(more.logprobs());
        }
        return new Piece(first.index(), text.toString(), logprobs);
    }
}
