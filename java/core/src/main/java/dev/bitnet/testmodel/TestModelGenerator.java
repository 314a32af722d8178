package dev.bitnet.testmodel;

import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufWriter;
import dev.bitnet.model.TensorNames;
import dev.bitnet.quant.FloatCodecs;
import dev.bitnet.quant.TernaryCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes random BitNet b1.58 models as GGUF with the official file's metadata keys and tensor names. Each tensor's
 * values come from its own random stream (seed and tensor name), independent of the weight format.
 */
public final class TestModelGenerator {
    /** The official file's file type id (bitnet.cpp's "I2_S"); TQ1_0 / TQ2_0 use mainline's ids. */
    private static final int FILE_TYPE_I2_S = 40, FILE_TYPE_TQ1_0 = 36, FILE_TYPE_TQ2_0 = 37;
    private static final String CHAT_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = message['role'] | capitalize + ': '+ message['content'] | trim + '<|eot_id|>' %}"
            + "{{ content }}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant: ' }}{% endif %}";

    private TestModelGenerator() {
    }

    public static void write(TestModelSpec s, Path out) {
        if (!s.weightType().isTernary()) throw new IllegalArgumentException(s.weightType() + " is not a ternary type");
        if (s.separateScales() && s.weightType() == GgmlType.I2_S) {
            throw new IllegalArgumentException("separate scales exist only for TQ1_0 / TQ2_0");
        }
        String a = s.architecture() + ".";
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", s.architecture())
                .putString("general.name", "bitnet-java random test model (seed " + s.seed() + ")")
                .putUInt32("general.file_type", switch (s.weightType()) {
                    case TQ1_0 -> FILE_TYPE_TQ1_0;
                    case TQ2_0 -> FILE_TYPE_TQ2_0;
                    default -> FILE_TYPE_I2_S;
                })
                .putUInt32("general.quantization_version", 2)
                .putUInt32(a + "vocab_size", s.vocabSize())
                .putUInt32(a + "context_length", s.contextLength())
                .putUInt32(a + "embedding_length", s.dim())
                .putUInt32(a + "block_count", s.layers())
                .putUInt32(a + "feed_forward_length", s.ffnDim())
                .putUInt32(a + "rope.dimension_count", s.headDim())
                .putUInt32(a + "attention.head_count", s.heads())
                .putUInt32(a + "attention.head_count_kv", s.kvHeads())
                .putFloat32(a + "attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32(a + "rope.freq_base", 500000f);
        putTokenizer(w, s);

        int d = s.dim(), kv = s.kvHeads() * s.headDim(), f = s.ffnDim();
        w.addTensor(TensorNames.TOKEN_EMBEDDING, s.embeddingType(), new long[]{d, s.vocabSize()},
                () -> embedding(s, TensorNames.TOKEN_EMBEDDING));
        w.addTensor(TensorNames.OUTPUT_NORM, GgmlType.F32, new long[]{d}, () -> norm(s, TensorNames.OUTPUT_NORM, d));
        for (int l = 0; l < s.layers(); l++) {
            norm(w, s, TensorNames.Layer.ATTN_NORM.weight(l), d);
            ternary(w, s, TensorNames.Layer.ATTN_Q, l, d, d);
            ternary(w, s, TensorNames.Layer.ATTN_K, l, d, kv);
            ternary(w, s, TensorNames.Layer.ATTN_V, l, d, kv);
            norm(w, s, TensorNames.Layer.ATTN_SUB_NORM.weight(l), d);
            ternary(w, s, TensorNames.Layer.ATTN_OUTPUT, l, d, d);
            norm(w, s, TensorNames.Layer.FFN_NORM.weight(l), d);
            ternary(w, s, TensorNames.Layer.FFN_GATE, l, d, f);
            ternary(w, s, TensorNames.Layer.FFN_UP, l, d, f);
            norm(w, s, TensorNames.Layer.FFN_SUB_NORM.weight(l), f);
            ternary(w, s, TensorNames.Layer.FFN_DOWN, l, f, d);
        }
        w.write(out);
    }

    private static void putTokenizer(GgufWriter w, TestModelSpec s) {
        List<String> tokens, merges;
        int[] types;
        int bos, eos;
        switch (s.vocab()) {
            case VocabSource.Synthetic x -> {
                SyntheticVocab v = SyntheticVocab.build(s.vocabSize());
                tokens = v.tokens();
                merges = v.merges();
                types = v.types();
                bos = v.bos();
                eos = v.eos();
            }
            case VocabSource.Llama3Files files -> {
                try {
                    tokens = JsonStringArray.parse(Files.readString(files.vocabJson()));
                    merges = Files.readAllLines(files.mergesTxt()).stream().filter(m -> !m.isEmpty()).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (tokens.size() != s.vocabSize()) {
                    throw new IllegalArgumentException(files.vocabJson() + " has " + tokens.size() + " tokens, the spec says " + s.vocabSize());
                }
                types = new int[tokens.size()];
                for (int i = 0; i < types.length; i++) types[i] = i >= 128000 ? 3 : 1;
                bos = 128000;
                eos = 128001;
            }
        }
        w.putString("tokenizer.ggml.model", "gpt2")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putFloat32Array("tokenizer.ggml.scores", new float[tokens.size()])
                .putInt32Array("tokenizer.ggml.token_type", types)
                .putStringArray("tokenizer.ggml.merges", merges)
                .putUInt32("tokenizer.ggml.bos_token_id", bos)
                .putUInt32("tokenizer.ggml.eos_token_id", eos)
                .putUInt32("tokenizer.ggml.padding_token_id", eos)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putString("tokenizer.chat_template", CHAT_TEMPLATE);
    }

    /** A random stream that depends only on the seed and the tensor's name. */
    private static SplittableRandom random(TestModelSpec s, String name) {
        return new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L ^ name.hashCode());
    }

    private static void norm(GgufWriter w, TestModelSpec s, String name, int n) {
        w.addTensor(name, GgmlType.F32, new long[]{n}, () -> norm(s, name, n));
    }

    private static byte[] norm(TestModelSpec s, String name, int n) {
        SplittableRandom r = random(s, name);
        byte[] out = new byte[4 * n];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat((float) (1 + 0.1 * r.nextGaussian()));
        return out;
    }

    /** The ternary weight [out, in] with its scale (rounded to f16 so every layout holds it exactly). */
    private static void ternary(GgufWriter w, TestModelSpec s, TensorNames.Layer which, int layer, int in, int out) {
        String name = which.weight(layer);
        SplittableRandom r = random(s, name);
        float scale = Float.float16ToFloat(Float.floatToFloat16((float) (0.5 + 1.5 * r.nextDouble())));
        w.addTensor(name, s.weightType(), new long[]{in, out}, () -> {
            SplittableRandom values = random(s, name + "#trits");
            byte[] trits = new byte[Math.multiplyExact(in, out)];
            for (int i = 0; i < trits.length; i++) trits[i] = (byte) (values.nextInt(3) - 1);
            return TernaryCodec.of(s.weightType()).encode(trits, s.separateScales() ? 1f : scale);
        });
        if (s.separateScales()) {
            byte[] data = new byte[4];
            java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(scale);
            w.addTensor(which.scale(layer), GgmlType.F32, new long[]{1}, data);
        }
    }

    /** Values per chunk when encoding the embedding: a whole number of blocks of every float type. */
    private static final int EMBEDDING_CHUNK = 1 << 16;

    /**
     * The embedding, gaussian * 0.5, in any float type (F32, F16, BF16, Q8_0, Q6_K); encoded a chunk at a time so the
     * 2B4T-sized embedding never needs its f32 values in memory at once.
     */
    private static byte[] embedding(TestModelSpec s, String name) {
        GgmlType type = s.embeddingType();
        if (type.isTernary()) throw new IllegalArgumentException("embedding type " + type + " is not a float type");
        SplittableRandom r = random(s, name);
        long n = (long) s.vocabSize() * s.dim();
        long size = type.byteSize(n);
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a " + type + " embedding of " + n + " values cannot be generated");
        }
        byte[] out = new byte[(int) size];
        int written = 0;
        for (long done = 0; done < n; ) {
            float[] values = new float[(int) Math.min(EMBEDDING_CHUNK, n - done)];
            for (int i = 0; i < values.length; i++) values[i] = (float) (0.5 * r.nextGaussian());
            byte[] chunk = FloatCodecs.encode(type, values);
            System.arraycopy(chunk, 0, out, written, chunk.length);
            written += chunk.length;
            done += values.length;
        }
        return out;
    }
}
