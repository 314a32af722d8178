package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama-bench's value lists, as {@code bench -p/-n/-t/-d/--parallel} take them (its documented syntax). */
class ValueListsTest {
    private static List<Integer> parse(String... words) {
        return ValueLists.parse("-p", List.of(words), 0);
    }

    private static String error(String... words) {
        return assertThrows(BitNetException.class, () -> parse(words)).getMessage();
    }

    @Test
    void valuesListsAndRangesInTheOrderGiven() {
        assertEquals(List.of(128), parse("128"));
        assertEquals(List.of(512, 128, 512), parse("512", "128", " 512 "));   // the option twice, or N,M split at the comma
        assertEquals(List.of(1, 2, 3, 4), parse("1-4"));
        assertEquals(List.of(64, 192, 320, 448), parse("64-512+128"));
        assertEquals(List.of(1, 2, 4, 8, 16, 32), parse("1-32*2"));
        assertEquals(List.of(3, 9, 27), parse("3-30*3"));
        assertEquals(List.of(7), parse("7-7"));
        assertEquals(List.of(0, 8), parse("0", "8"));
    }

    @Test
    void malformedValuesAreOneLineErrorsNamingTheOptionAndTheWord() {
        assertTrue(error("x").startsWith("-p x: 'x' is not a whole number (values: N, a list N,M,... or a range first-last"),
                error("x"));
        assertTrue(error("").startsWith("-p : '' is not a whole number"), error(""));
        assertTrue(error("1-x").startsWith("-p 1-x: 'x' is not a whole number"), error("1-x"));
        assertTrue(error("8-4").startsWith("-p 8-4: the range ends before it starts"), error("8-4"));
        assertTrue(error("1-8+0").startsWith("-p 1-8+0: the step must be >= 1"), error("1-8+0"));
        assertTrue(error("1-8*1").startsWith("-p 1-8*1: a range *factor needs"), error("1-8*1"));
        assertTrue(error("0-8*2").startsWith("-p 0-8*2: a range *factor needs"), error("0-8*2"));
        assertTrue(error("1-5000").startsWith("-p 1-5000: more than 1024 values"), error("1-5000"));
        assertEquals("-p must be >= 0, not -3", error("-3"));
        assertEquals("--parallel must be >= 1, not 0",
                assertThrows(BitNetException.class, () -> ValueLists.parse("--parallel", List.of("0-2"), 1)).getMessage());
    }
}
