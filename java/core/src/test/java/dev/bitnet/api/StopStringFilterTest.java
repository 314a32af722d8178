package dev.bitnet.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StopStringFilterTest {
    /** Feeds the pieces; returns what was shown, in order, joined by '|'. */
    private static String feed(StopStringFilter f, String... pieces) {
        StringBuilder shown = new StringBuilder();
        for (String p : pieces) {
            shown.append(f.accept(p)).append('|');
            if (f.stopped()) break;
        }
        return shown.append(f.finish()).toString();
    }

    @Test
    void holdsBackAPossibleStartAndCutsAtTheStop() {
        StopStringFilter f = new StopStringFilter(List.of("END"));
        assertEquals("abc|||", feed(f, "abc", "E", "ND tail"));
        assertTrue(f.stopped());
        assertEquals("abc", f.text());
    }

    @Test
    void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
        StopStringFilter f = new StopStringFilter(List.of("END"));
        assertEquals("x||EX|", feed(f, "x", "E", "X"));
        assertFalse(f.stopped());
        assertEquals("xEX", f.text());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopStringFilter f = new StopStringFilter(List.of("world", "lo"));
        feed(f, "hello world");
        assertEquals("hel", f.text());
    }

    @Test
    void heldTextIsFlushedAtTheEnd() {
        StopStringFilter f = new StopStringFilter(List.of("\n\n"));
        assertEquals("a|\n", feed(f, "a\n"));
        assertEquals("a\n", f.text());
    }

    @Test
    void noStopsPassesEverything() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertEquals("a|b|", feed(f, "a", "b"));
    }
}
