package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;

import java.util.ArrayList;
import java.util.List;

/**
 * llama-bench's value lists for an option that sweeps: values separated by commas or the option given again
 * ({@code -p 128,512}, {@code -p 128 -p 512}), and ranges {@code first-last} (every value), {@code first-last+step}
 * and {@code first-last*factor} ({@code 1-32*2} is 1, 2, 4, 8, 16, 32). The values keep the order given.
 */
final class ValueLists {
    /** More values than this in one option is a typo, not a benchmark. */
    static final int MAX_VALUES = 1024;

    private ValueLists() {
    }

    /**
     * The values of {@code option} (named in errors), each at least {@code min}.
     *
     * @param words what the option was given, already split at the commas
     */
    static List<Integer> parse(String option, List<String> words, int min) {
        List<Integer> values = new ArrayList<>();
        for (String word : words) {
            String w = word.strip();
            int dash = w.indexOf('-', 1);   // from 1: a leading '-' is a sign, reported below as below min
            if (dash < 0) {
                values.add(number(option, w, w));
            } else {
                int first = number(option, w.substring(0, dash), w);
                String rest = w.substring(dash + 1);
                int op = Math.max(rest.indexOf('+'), rest.indexOf('*'));
                int last = number(option, op < 0 ? rest : rest.substring(0, op), w);
                int by = op < 0 ? 1 : number(option, rest.substring(op + 1), w);
                boolean times = op >= 0 && rest.charAt(op) == '*';
                if (last < first) throw error(option, w, "the range ends before it starts");
                if (times ? by < 2 || first < 1 : by < 1) {
                    throw error(option, w, times ? "a range *factor needs a first value >= 1 and a factor >= 2" : "the step must be >= 1");
                }
                for (long v = first; v <= last; v = times ? v * by : v + by) {
                    values.add((int) v);
                    if (values.size() > MAX_VALUES) break;
                }
            }
            if (values.size() > MAX_VALUES) throw error(option, w, "more than " + MAX_VALUES + " values");
        }
        for (int v : values) {
            if (v < min) throw new BitNetException(option + " must be >= " + min + ", not " + v);
        }
        return values;
    }

    private static int number(String option, String text, String word) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw error(option, word, "'" + text + "' is not a whole number");
        }
    }

    private static BitNetException error(String option, String word, String why) {
        return new BitNetException(option + " " + word + ": " + why
                + " (values: N, a list N,M,... or a range first-last, first-last+step, first-last*factor)");
    }
}
