package dev.bitnet.tokenizer;

import dev.bitnet.gguf.GgufFile;

import java.util.List;
import java.util.OptionalInt;

/**
 * Llama 3 byte-level BPE tokenizer. STUB: signatures fixed, bodies being written.
 */
public final class Llama3Tokenizer {
    /**
     * @param tokens     the vocabulary in GPT-2 byte-to-unicode form, index = id
     * @param merges     "left right" merges, highest priority first
     * @param tokenTypes ggml token types per id (1 normal, 3 control, 4 user-defined, 6 byte), or null
     */
    public Llama3Tokenizer(List<String> tokens, List<String> merges, int[] tokenTypes, int bosId, int eosId) {
        throw new UnsupportedOperationException("TODO");
    }

    /** From a GGUF file's tokenizer.ggml.* keys. */
    public static Llama3Tokenizer fromGguf(GgufFile file) { throw new UnsupportedOperationException("TODO"); }

    /** Encodes text; special-token text such as {@code <|eot_id|>} becomes the special token; BOS first if asked. */
    public int[] encode(String text, boolean addBos) { throw new UnsupportedOperationException("TODO"); }

    public String decode(int[] ids) { throw new UnsupportedOperationException("TODO"); }

    /** The raw bytes a token stands for (special tokens: their text). */
    public byte[] tokenBytes(int id) { throw new UnsupportedOperationException("TODO"); }

    /** A token as a person reads it in listings ("Ġworld" shows as " world"; invalid UTF-8 escaped). */
    public String piece(int id) { throw new UnsupportedOperationException("TODO"); }

    /** A decoder that turns a stream of ids into text, holding back incomplete UTF-8 sequences. */
    public StreamingDecoder streamingDecoder() { throw new UnsupportedOperationException("TODO"); }

    public int vocabSize() { throw new UnsupportedOperationException("TODO"); }
    public int bosId() { throw new UnsupportedOperationException("TODO"); }
    public int eosId() { throw new UnsupportedOperationException("TODO"); }
    /** The id of a special token by its text ("<|eot_id|>"), if the vocabulary has it. */
    public OptionalInt specialTokenId(String text) { throw new UnsupportedOperationException("TODO"); }
    public boolean isSpecial(int id) { throw new UnsupportedOperationException("TODO"); }
}
