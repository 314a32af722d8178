package dev.bitnet.testmodel;

import dev.bitnet.gguf.GgmlType;

/**
 * The shape and content of a random BitNet model to generate. Weights depend only on the seed and the shapes, never
 * on the weight format, so the same spec written as I2_S, TQ2_0 and TQ1_0 holds identical weights.
 *
 * @param architecture   GGUF architecture name (decides the default activation)
 * @param separateScales TQ formats only: scales in separate {@code .scale} tensors, d = 1 in every block
 */
public record TestModelSpec(String architecture, int dim, int layers, int heads, int kvHeads, int ffnDim,
                            int vocabSize, int contextLength, GgmlType weightType, GgmlType embeddingType,
                            boolean separateScales, VocabSource vocab, long seed) {

    /** A tiny model for tests: dim 256, 2 layers, 8 heads (2 kv), ffn 512, synthetic vocabulary of 512. */
    public static TestModelSpec tiny(GgmlType weightType) {
        return new TestModelSpec(weightType == GgmlType.I2_S ? "bitnet-b1.58" : "bitnet", 256, 2, 8, 2, 512, 512, 256,
                weightType, GgmlType.F16, false, VocabSource.synthetic(), 1);
    }

    /** BitNet b1.58 2B4T's real shapes with random weights (for benchmarks; about 1.2 GB as I2_S). */
    public static TestModelSpec b2b4t(GgmlType weightType) {
        return new TestModelSpec(weightType == GgmlType.I2_S ? "bitnet-b1.58" : "bitnet", 2560, 30, 20, 5, 6912,
                128256, 4096, weightType, GgmlType.F16, false, VocabSource.synthetic(), 1);
    }

    /**
     * The model shipped in test-models/: tiny shapes (dim 128, 2 layers, 4 heads, 1 kv head, ffn 256, context 512)
     * with the real Llama 3 vocabulary so that real text tokenizes, and a Q8_0 embedding to keep the file small.
     */
    public static TestModelSpec tinyLlama3(java.nio.file.Path llama3TokenizerDir) {
        return new TestModelSpec("bitnet-b1.58", 128, 2, 4, 1, 256, 128256, 512, GgmlType.I2_S, GgmlType.Q8_0, false,
                VocabSource.llama3(llama3TokenizerDir), 42);
    }

    public int headDim() {
        return dim / heads;
    }

    public TestModelSpec withSeed(long s) {
        return new TestModelSpec(architecture, dim, layers, heads, kvHeads, ffnDim, vocabSize, contextLength, weightType, embeddingType, separateScales, vocab, s);
    }

    public TestModelSpec withLayers(int n) {
        return new TestModelSpec(architecture, dim, n, heads, kvHeads, ffnDim, vocabSize, contextLength, weightType, embeddingType, separateScales, vocab, seed);
    }

    public TestModelSpec withArchitecture(String a) {
        return new TestModelSpec(a, dim, layers, heads, kvHeads, ffnDim, vocabSize, contextLength, weightType, embeddingType, separateScales, vocab, seed);
    }

    public TestModelSpec withWeightType(GgmlType t) {
        return new TestModelSpec(architecture, dim, layers, heads, kvHeads, ffnDim, vocabSize, contextLength, t, embeddingType, separateScales, vocab, seed);
    }

    public TestModelSpec withEmbeddingType(GgmlType t) {
        return new TestModelSpec(architecture, dim, layers, heads, kvHeads, ffnDim, vocabSize, contextLength, weightType, t, separateScales, vocab, seed);
    }

    public TestModelSpec withSeparateScales(boolean b) {
        return new TestModelSpec(architecture, dim, layers, heads, kvHeads, ffnDim, vocabSize, contextLength, weightType, embeddingType, b, vocab, seed);
    }

    /** The Llama 3 vocabulary's size (ids 128000.. are its special tokens). */
    public static final int LLAMA3_VOCAB_SIZE = 128256;

    /** The vocabulary: the Llama 3 files set the size to 128,256; a synthetic vocabulary keeps this spec's size. */
    public TestModelSpec withVocab(VocabSource v) {
        return withVocab(v, v instanceof VocabSource.Llama3Files ? LLAMA3_VOCAB_SIZE : vocabSize);
    }

    /** The vocabulary and its size (the Llama 3 files need 128,256). */
    public TestModelSpec withVocab(VocabSource v, int size) {
        return new TestModelSpec(architecture, dim, layers, heads, kvHeads, ffnDim, size, contextLength, weightType, embeddingType, separateScales, v, seed);
    }

    public TestModelSpec withDims(int d, int h, int kv, int ffn) {
        return new TestModelSpec(architecture, d, layers, h, kv, ffn, vocabSize, contextLength, weightType, embeddingType, separateScales, vocab, seed);
    }

    public TestModelSpec withContextLength(int n) {
        return new TestModelSpec(architecture, dim, layers, heads, kvHeads, ffnDim, vocabSize, n, weightType, embeddingType, separateScales, vocab, seed);
    }
}
