package dev.bitnet.testmodel;

import java.util.ArrayList;
import java.util.List;

/** Parses a JSON array of strings (the format of Llama 3's vocab.json as shipped in shared/llama3-tokenizer). */
final class JsonStringArray {
    private JsonStringArray() {
    }

    static List<String> parse(String json) {
        List<String> out = new ArrayList<>();
        int i = skip(json, 0);
        expect(json, i++, '[');
        i = skip(json, i);
        if (json.charAt(i) == ']') return out;
        while (true) {
            i = skip(json, i);
            expect(json, i++, '"');
            StringBuilder sb = new StringBuilder();
            while (json.charAt(i) != '"') {
                char c = json.charAt(i++);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = json.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(json.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> sb.append(e); // \" \\ \/
                }
            }
            out.add(sb.toString());
            i = skip(json, i + 1);
            if (json.charAt(i) == ']') return out;
            expect(json, i++, ',');
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static void expect(String s, int i, char c) {
        if (i >= s.length() || s.charAt(i) != c) throw new IllegalArgumentException("expected '" + c + "' at " + i);
    }
}
