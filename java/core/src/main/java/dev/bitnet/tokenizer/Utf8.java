package dev.bitnet.tokenizer;

/** UTF-8 helpers for decoding a byte stream that may stop in the middle of a character. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * The length of the longest prefix of {@code bytes[0, len)} that does not end inside an incomplete (but so far
     * valid) multi-byte sequence.
     */
    static int completePrefix(byte[] bytes, int len) {
        for (int back = 1; back <= Math.min(3, len); back++) {
            int b = bytes[len - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue;       // continuation byte: look further back
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            return need > back ? len - back : len;
        }
        return len;
    }
}
