package dev.bitnet.bench;

/** Escaping of text put into the HTML report (XHTML-compatible: the page also parses as XML). */
final class Html {
    private Html() {
    }

    /**
     * {@code s} safe as element text and as a quoted attribute value: the five markup characters as entities, and
     * characters XML does not allow (controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF) as
     * U+FFFD. {@code null} becomes "".
     */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (allowedInXml(c)) {
                        out.append(c);
                    } else {
                        out.append('\uFFFD');
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean allowedInXml(char c) {
        if (c == '\t' || c == '\n' || c == '\r') return true;
        if (c < 0x20 || Character.isSurrogate(c)) return false;
        return c != '\uFFFE' && c != '\uFFFF';
    }
}
