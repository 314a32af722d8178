package dev.bitnet.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The independent reference data in the shared folder beside the repository (system property {@code
 * bitnet.shared.dir}, set by the build): tokenizer cases and tiny models written by other engines, with the greedy
 * output an outside engine produced for them.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path dir() {
        String p = System.getProperty("bitnet.shared.dir", "../shared");
        Path dir = Path.of(p).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared reference data not found at " + dir);
        return dir;
    }

    public static Path referenceModel(String name) {
        return dir().resolve("reference-models").resolve(name);
    }

    /** The expectations stated in reference-models/README.md, read from its text (not copied into tests). */
    public record ReferenceExpectations(int[] promptIds, int[] greedySilu, double[] marginsSilu, int[] greedyRelu2) {
    }

    public static ReferenceExpectations referenceExpectations() {
        String readme;
        try {
            readme = Files.readString(dir().resolve("reference-models/README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] prompt = ints(find(readme, "Prompt ids: `([0-9,]+)`"), ",");
        int[] silu = ints(find(readme, "Greedy continuation[\\s\\S]*?\\n\\s*\\n\\s+([0-9 ]+)\\n"), " ");
        double[] margins = Arrays.stream(find(readme, "Top-1 margins[^`]*`([0-9. ]+)`").trim().split(" +"))
                .mapToDouble(Double::parseDouble).toArray();
        int[] relu2 = ints(find(readme, "With relu²[\\s\\S]*?\\n\\s*\\n\\s+([0-9 ]+)\\n"), " ");
        return new ReferenceExpectations(prompt, silu, margins, relu2);
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("reference README has no match for " + regex);
        return m.group(1);
    }

    private static int[] ints(String s, String sep) {
        return Arrays.stream(s.trim().split(sep + "+")).mapToInt(Integer::parseInt).toArray();
    }
}
