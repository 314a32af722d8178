package dev.bitnet.model;

/** The GGUF tensor names of a BitNet model (the official file's, shared by bitnet.cpp and llama.cpp). */
public final class TensorNames {
    private TensorNames() {
    }

    public static final String TOKEN_EMBEDDING = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    /** Present only in untied models; 2B4T uses the token embedding as its LM head. */
    public static final String OUTPUT = "output.weight";

    /** The per-layer tensors, by their name after {@code blk.N.}. */
    public enum Layer {
        ATTN_NORM("attn_norm"), ATTN_SUB_NORM("attn_sub_norm"), FFN_NORM("ffn_norm"), FFN_SUB_NORM("ffn_sub_norm"),
        ATTN_Q("attn_q"), ATTN_K("attn_k"), ATTN_V("attn_v"), ATTN_OUTPUT("attn_output"),
        FFN_GATE("ffn_gate"), FFN_UP("ffn_up"), FFN_DOWN("ffn_down");

        private final String stem;

        Layer(String stem) {
            this.stem = stem;
        }

        public String weight(int layer) {
            return "blk." + layer + "." + stem + ".weight";
        }

        /** The optional separate scale tensor of mainline llama.cpp's ternary conversions. */
        public String scale(int layer) {
            return "blk." + layer + "." + stem + ".scale";
        }
    }
}
