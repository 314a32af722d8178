package dev.bitnet.testmodel;

import java.util.ArrayList;
import java.util.List;

/**
 * A small but valid byte-level BPE vocabulary: the 256 byte tokens in GPT-2's byte alphabet (ids 0..255), merged
 * tokens for common English pairs, distinct filler tokens, and the Llama 3 special tokens at the end.
 *
 * @param tokens the vocabulary, index = id
 * @param merges "left right" merges in priority order
 * @param types  ggml token types (1 normal, 3 control)
 */
record SyntheticVocab(List<String> tokens, List<String> merges, int[] types, int bos, int eos) {
    static final String[] SPECIALS = {"<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"};
    private static final String[] PAIRS = {"Ġ t", "h e", "Ġ a", "i n", "Ġt he", "e r", "o n", "Ġ s", "e s", "a n",
            "Ġ w", "o r", "e n", "Ġ o", "i s", "a t", "Ġ c", "l l", "Ġ f", "Ġ b", "e d", "i t", "Ġ p", "a r", "Ġ m",
            "o u", "Ġ d", "i c", "Ġ h", "Ġ i", "a l", "r e"};

    static SyntheticVocab build(int size) {
        List<String> tokens = new ArrayList<>(size);
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(byteChar(b)));
        List<String> merges = new ArrayList<>();
        for (String pair : PAIRS) {
            String merged = pair.replace(" ", "");
            if (tokens.size() + SPECIALS.length >= size) break;
            if (!tokens.contains(merged)) tokens.add(merged);
            merges.add(pair);
        }
        int fillers = size - SPECIALS.length - tokens.size();
        if (fillers < 0) throw new IllegalArgumentException("a vocabulary needs at least " + (256 + SPECIALS.length) + " tokens");
        for (int i = 0; i < fillers; i++) tokens.add("[filler_" + i + "]");
        int first = tokens.size();
        tokens.addAll(List.of(SPECIALS));
        int[] types = new int[size];
        for (int i = 0; i < size; i++) types[i] = i >= first ? 3 : 1;
        return new SyntheticVocab(tokens, merges, types, first, first + 1);
    }

    /** GPT-2's byte-to-character map (printable Latin-1 stays, the rest moves to U+0100..). */
    static char byteChar(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return (char) b;
        int n = 0;
        for (int x = 0; x < b; x++) {
            boolean p = (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
            if (!p) n++;
        }
        return (char) (256 + n);
    }
}
