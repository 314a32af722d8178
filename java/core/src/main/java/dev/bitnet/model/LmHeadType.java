package dev.bitnet.model;

import dev.bitnet.api.BitNetException;

/** How the LM head (the output projection, the token embedding in 2B4T) is held: f16 as in the file, or int8 rows. */
public enum LmHeadType {
    /** Exact: the file's values (f16). */
    F16,
    /** Quantised at load to int8 with one scale per row: half the bytes read per token, approximate logits. */
    Q8;

    public static LmHeadType parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f16" -> F16;
            case "q8", "q8_0", "int8" -> Q8;
            default -> throw new BitNetException("unknown LM head type '" + s + "' (expected f16 or q8)");
        };
    }
}
