package dev.bitnet.model;

import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Tensor;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.gguf.ModelFormatException;
import dev.bitnet.quant.EmbeddingDecoder;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.Int8RowMatrix;
import dev.bitnet.quant.TernaryDecoder;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a BitNet model out of a GGUF file: the hyper-parameters (checked for sanity before anything is allocated),
 * then every tensor (checked for presence, type and shape before anything is uploaded), then the upload to a backend
 * one tensor at a time, so the host never holds more than one decoded ternary matrix.
 */
public final class ModelLoader {
    private static final Set<GgmlType> VECTOR_TYPES = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);
    private static final Set<GgmlType> EMBEDDING_TYPES =
            EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q6_K);

    private ModelLoader() {
    }

    /** The hyper-parameters; {@code activation} overrides the architecture's default when not null. */
    public static ModelConfig readConfig(GgufFile file, Activation activation) {
        String archName = file.getString("general.architecture");
        Architecture arch = Architecture.byName(archName);
        if (arch == null) {
            throw new ModelFormatException(file.path() + ": architecture '" + archName + "' is not supported (expected "
                    + Architecture.supportedList() + ")");
        }
        String p = archName + ".";
        int dim = positive(file, p + "embedding_length", 1 << 16);
        int layers = positive(file, p + "block_count", 1 << 10);
        int heads = positive(file, p + "attention.head_count", 1 << 10);
        int kvHeads = file.has(p + "attention.head_count_kv") ? positive(file, p + "attention.head_count_kv", heads) : heads;
        int ffn = positive(file, p + "feed_forward_length", 1 << 18);
        int context = file.has(p + "context_length") ? positive(file, p + "context_length", 1 << 24) : 4096;
        float eps = file.has(p + "attention.layer_norm_rms_epsilon") ? file.getFloat(p + "attention.layer_norm_rms_epsilon") : 1e-5f;
        float theta = file.has(p + "rope.freq_base") ? file.getFloat(p + "rope.freq_base") : 10000f;
        if (dim % heads != 0) {
            throw bad(file, p + "attention.head_count", heads + " heads do not divide the embedding length " + dim);
        }
        if (heads % kvHeads != 0) {
            throw bad(file, p + "attention.head_count_kv", kvHeads + " kv heads do not divide the " + heads + " heads");
        }
        int headDim = dim / heads;
        if (headDim % 2 != 0) throw bad(file, p + "attention.head_count", "head dimension " + headDim + " is odd");
        if (file.has(p + "rope.dimension_count") && file.getInt(p + "rope.dimension_count") != headDim) {
            throw bad(file, p + "rope.dimension_count", "is " + file.getInt(p + "rope.dimension_count")
                    + "; only full rotation (the head dimension, " + headDim + ") is supported");
        }
        if (!(eps > 0 && eps < 1)) throw bad(file, p + "attention.layer_norm_rms_epsilon", "is " + eps + ", expected 0 < eps < 1");
        if (!(theta > 1)) throw bad(file, p + "rope.freq_base", "is " + theta + ", expected > 1");
        GgufTensorInfo embedding = file.tensor(TensorNames.TOKEN_EMBEDDING);
        long vocab = embedding.rows();
        if (vocab < 1 || vocab > (1 << 24)) {
            throw new ModelFormatException(file.path() + ": tensor '" + embedding.name() + "' has " + vocab
                    + " rows, expected a vocabulary of 1.." + (1 << 24));
        }
        if (file.has(p + "vocab_size") && file.getLong(p + "vocab_size") != vocab) {
            throw bad(file, p + "vocab_size", "is " + file.getLong(p + "vocab_size") + " but tensor '"
                    + embedding.name() + "' has " + vocab + " rows");
        }
        Activation act = activation != null ? activation : fileActivation(file, p, arch);
        return new ModelConfig(archName, dim, layers, heads, kvHeads, headDim, ffn, (int) vocab, context, theta, eps, act);
    }

    /** An activation key in the file (as Hugging Face's hidden_act) wins over the architecture's default. */
    private static Activation fileActivation(GgufFile file, String prefix, Architecture arch) {
        for (String key : List.of(prefix + "hidden_act", prefix + "activation")) {
            if (file.has(key)) {
                try {
                    return Activation.parse(file.getString(key));
                } catch (RuntimeException e) {
                    throw bad(file, key, "is '" + file.getString(key) + "', expected relu2 or silu");
                }
            }
        }
        return arch.defaultActivation();
    }

    /**
     * Checks every tensor the model needs, then uploads them to {@code backend}. Nothing is uploaded when a check
     * fails.
     */
    public static ModelWeights load(GgufFile file, ModelConfig c, Backend backend) {
        return load(file, c, backend, LmHeadType.F16);
    }

    /**
     * The LM head quantised to int8 rows ({@code --lm-head q8}) as a tensor of its own: the file's output matrix, or
     * the embedding where they are tied. For comparing it with the f16 head of weights loaded with
     * {@link LmHeadType#F16} ({@link Transformer#logitsWith}).
     */
    public static Tensor loadQ8LmHead(GgufFile file, Backend backend) {
        GgufTensorInfo rows = file.findTensor(TensorNames.OUTPUT).orElseGet(() -> file.tensor(TensorNames.TOKEN_EMBEDDING));
        return backend.loadLmHead(Int8RowMatrix.quantize(EmbeddingDecoder.toF16(file, rows)));
    }

    /** As {@link #load(GgufFile, ModelConfig, Backend)}, with the LM head held as {@code lmHeadType}. */
    public static ModelWeights load(GgufFile file, ModelConfig c, Backend backend, LmHeadType lmHeadType) {
        checkTensors(file, c);
        F16Matrix embeddingF16 = EmbeddingDecoder.toF16(file, file.tensor(TensorNames.TOKEN_EMBEDDING));
        var embedding = backend.loadEmbedding(embeddingF16);
        F16Matrix untied = file.findTensor(TensorNames.OUTPUT).map(t -> EmbeddingDecoder.toF16(file, t)).orElse(null);
        var lmHead = switch (lmHeadType) {
            case F16 -> untied == null ? embedding : backend.loadEmbedding(untied);
            case Q8 -> backend.loadLmHead(Int8RowMatrix.quantize(untied == null ? embeddingF16 : untied));
        };
        // the file's pages leave the resident set where nothing reads them every token any more: rows converted from
        // another type, a backend holding copies (device memory), or an LM head quantised to int8 (the embedding
        // lookup then reads one row per token)
        for (String name : new String[]{TensorNames.TOKEN_EMBEDDING, TensorNames.OUTPUT}) {
            GgufTensorInfo t = file.findTensor(name).orElse(null);
            if (t != null && (t.type() != dev.bitnet.gguf.GgmlType.F16 || lmHeadType == LmHeadType.Q8
                    || !backend.embeddingReadsFile())) file.release(t);
        }
        var outputNorm = backend.loadVector(EmbeddingDecoder.toF32Vector(file, file.tensor(TensorNames.OUTPUT_NORM)));
        TritBuffers buffers = new TritBuffers();
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int l = 0; l < c.layers(); l++) {
            layers.add(new LayerWeights(
                    vector(file, backend, TensorNames.Layer.ATTN_NORM, l),
                    vector(file, backend, TensorNames.Layer.ATTN_SUB_NORM, l),
                    vector(file, backend, TensorNames.Layer.FFN_NORM, l),
                    vector(file, backend, TensorNames.Layer.FFN_SUB_NORM, l),
                    ternary(file, backend, buffers, TensorNames.Layer.ATTN_Q, l),
                    ternary(file, backend, buffers, TensorNames.Layer.ATTN_K, l),
                    ternary(file, backend, buffers, TensorNames.Layer.ATTN_V, l),
                    ternary(file, backend, buffers, TensorNames.Layer.ATTN_OUTPUT, l),
                    ternary(file, backend, buffers, TensorNames.Layer.FFN_GATE, l),
                    ternary(file, backend, buffers, TensorNames.Layer.FFN_UP, l),
                    ternary(file, backend, buffers, TensorNames.Layer.FFN_DOWN, l)));
        }
        return new ModelWeights(embedding, lmHead, outputNorm, layers);
    }

    private static dev.bitnet.backend.Tensor vector(GgufFile file, Backend backend, TensorNames.Layer which, int layer) {
        return backend.loadVector(EmbeddingDecoder.toF32Vector(file, file.tensor(which.weight(layer))));
    }

    private static dev.bitnet.backend.Tensor ternary(GgufFile file, Backend backend, TritBuffers buffers,
                                                     TensorNames.Layer which, int layer) {
        float scale = file.findTensor(which.scale(layer)).map(t -> EmbeddingDecoder.toF32Vector(file, t)[0]).orElse(Float.NaN);
        GgufTensorInfo t = file.tensor(which.weight(layer));
        var weight = backend.loadTernary(TernaryDecoder.decode(file, t, scale, buffers.forElements(t.elements())));
        file.release(t); // the backend holds its own copy: the file's pages need not stay resident
        return weight;
    }

    /** One decode buffer per tensor size, reused across layers (a model has four ternary shapes). */
    private static final class TritBuffers {
        private final java.util.Map<Long, byte[]> bySize = new java.util.HashMap<>();

        byte[] forElements(long n) {
            return n > Integer.MAX_VALUE - 8 ? null : bySize.computeIfAbsent(n, k -> new byte[(int) (long) k]);
        }
    }

    /** Presence, type and shape of every tensor, before any is decoded. */
    static void checkTensors(GgufFile file, ModelConfig c) {
        expect(file, TensorNames.TOKEN_EMBEDDING, EMBEDDING_TYPES, c.dim(), c.vocabSize());
        if (file.findTensor(TensorNames.OUTPUT).isPresent()) {
            expect(file, TensorNames.OUTPUT, EMBEDDING_TYPES, c.dim(), c.vocabSize());
        }
        expect(file, TensorNames.OUTPUT_NORM, VECTOR_TYPES, c.dim());
        for (int l = 0; l < c.layers(); l++) {
            expect(file, TensorNames.Layer.ATTN_NORM.weight(l), VECTOR_TYPES, c.dim());
            expect(file, TensorNames.Layer.ATTN_SUB_NORM.weight(l), VECTOR_TYPES, c.dim());
            expect(file, TensorNames.Layer.FFN_NORM.weight(l), VECTOR_TYPES, c.dim());
            expect(file, TensorNames.Layer.FFN_SUB_NORM.weight(l), VECTOR_TYPES, c.ffnDim());
            expectTernary(file, TensorNames.Layer.ATTN_Q, l, c.dim(), c.dim());
            expectTernary(file, TensorNames.Layer.ATTN_K, l, c.dim(), c.kvDim());
            expectTernary(file, TensorNames.Layer.ATTN_V, l, c.dim(), c.kvDim());
            expectTernary(file, TensorNames.Layer.ATTN_OUTPUT, l, c.dim(), c.dim());
            expectTernary(file, TensorNames.Layer.FFN_GATE, l, c.dim(), c.ffnDim());
            expectTernary(file, TensorNames.Layer.FFN_UP, l, c.dim(), c.ffnDim());
            expectTernary(file, TensorNames.Layer.FFN_DOWN, l, c.ffnDim(), c.dim());
        }
    }

    private static void expectTernary(GgufFile file, TensorNames.Layer which, int layer, int in, int out) {
        expect(file, which.weight(layer), EnumSet.of(GgmlType.I2_S, GgmlType.TQ1_0, GgmlType.TQ2_0), in, out);
        file.findTensor(which.scale(layer)).ifPresent(s -> {
            if (s.elements() != 1 || s.type() != GgmlType.F32) {
                throw new ModelFormatException(file.path() + ": tensor '" + s.name() + "' is " + s.type() + " "
                        + s.shape() + ", expected F32 {1}");
            }
        });
    }

    /** Checks that tensor {@code name} exists, has one of {@code types} and the dimensions {@code dims} (ne0 first). */
    private static void expect(GgufFile file, String name, Set<GgmlType> types, long... dims) {
        GgufTensorInfo t = file.findTensor(name).orElseThrow(() -> new ModelFormatException(file.path()
                + ": missing tensor '" + name + "' (expected " + shape(dims) + ", one of " + types + ")"));
        if (!types.contains(t.type())) {
            throw new ModelFormatException(file.path() + ": tensor '" + name + "' has type " + t.type()
                    + ", expected one of " + types);
        }
        boolean same = t.dims().length >= dims.length;
        for (int i = 0; same && i < t.dims().length; i++) same = t.dims()[i] == (i < dims.length ? dims[i] : 1);
        if (!same) {
            throw new ModelFormatException(file.path() + ": tensor '" + name + "' has shape " + t.shape()
                    + ", expected " + shape(dims) + " from the model's hyper-parameters");
        }
    }

    private static String shape(long... dims) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append('}').toString();
    }

    private static int positive(GgufFile file, String key, int max) {
        long v = file.getLong(key);
        if (v < 1 || v > max) throw bad(file, key, "is " + v + ", expected 1.." + max);
        return (int) v;
    }

    private static ModelFormatException bad(GgufFile file, String key, String what) {
        return new ModelFormatException(file.path() + ": metadata key '" + key + "' " + what);
    }
}
