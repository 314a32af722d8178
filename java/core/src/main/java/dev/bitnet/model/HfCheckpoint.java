package dev.bitnet.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.backend.Backend;
import dev.bitnet.backend.Tensor;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.ModelFormatException;
import dev.bitnet.quant.EmbeddingDecoder;
import dev.bitnet.quant.F16Matrix;
import dev.bitnet.quant.FloatCodecs;
import dev.bitnet.quant.Int8RowMatrix;
import dev.bitnet.quant.TernaryMatrix;
import dev.bitnet.safetensors.SafetensorsDtype;
import dev.bitnet.safetensors.SafetensorsFile;
import dev.bitnet.safetensors.SafetensorsTensor;
import dev.bitnet.tokenizer.Llama3Tokenizer;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face checkpoint of BitNet b1.58 (transformers' {@code BitNetForCausalLM}): a directory with
 * {@code config.json}, {@code tokenizer.json} and {@code model.safetensors} (or shards listed in
 * {@code model.safetensors.index.json}), memory-mapped. Two weight forms load (see docs in ../shared, section 2b):
 * <ul>
 * <li>packed ("offline", microsoft/bitnet-b1.58-2B-4T): each linear weight {@code [out, in]} as U8 {@code [out/4, in]},
 *     bits 2i..2i+1 of byte {@code [r][c]} holding {@code W[i*out/4 + r][c] + 1}, and a scale {@code <name>_scale}
 *     ({@code weight_scale}: {@code y = (Σ t·q) · scale / s});</li>
 * <li>latent ("online", the -bf16 repository): float weights, quantised at load: {@code scale = max(mean|W|, 1e-5)},
 *     {@code t = clamp(round_half_even(W / scale), -1, 1)}.</li>
 * </ul>
 * Tensors keep the file's row-major layout, which is the GGUF one ({@code [out, in]} = ne0 in, ne1 out), so the model
 * graph and backends see the same weights either way. Every problem is a {@link ModelFormatException} naming the file
 * and the key or tensor.
 */
public final class HfCheckpoint implements ModelSource {
    public static final String CONFIG = "config.json", TOKENIZER = "tokenizer.json";
    public static final String WEIGHTS = "model.safetensors", INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final JsonNode config;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf = new HashMap<>();
    private final Map<String, SafetensorsTensor> tensors = new HashMap<>();
    private final Map<Long, byte[]> tritBuffers = new HashMap<>(); // decode buffers by size, reused across layers

    private HfCheckpoint(Path dir, JsonNode config, List<SafetensorsFile> files) {
        this.dir = dir;
        this.config = config;
        this.files = files;
        for (SafetensorsFile f : files) {
            for (SafetensorsTensor t : f.tensors().values()) {
                tensors.put(t.name(), t);
                fileOf.put(t.name(), f);
            }
        }
    }

    /** Whether {@code path} is a checkpoint directory (one with a config.json). */
    public static boolean isCheckpoint(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(CONFIG));
    }

    public static HfCheckpoint open(Path dir) {
        JsonNode config = readJson(dir.resolve(CONFIG));
        List<Path> shards = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(WEIGHTS))) {
            shards.add(dir.resolve(WEIGHTS));
        } else if (Files.isRegularFile(dir.resolve(INDEX))) {
            JsonNode map = readJson(dir.resolve(INDEX)).get("weight_map");
            if (map == null || !map.isObject()) throw new ModelFormatException(dir.resolve(INDEX) + ": no 'weight_map' object");
            LinkedHashSet<String> names = new LinkedHashSet<>();
            map.forEach(f -> names.add(f.asText()));
            for (String n : names) {
                Path shard = dir.resolve(n).normalize();
                if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
                    throw new ModelFormatException(dir.resolve(INDEX) + ": shard '" + n + "' is not a file in " + dir);
                }
                shards.add(shard);
            }
        } else {
            throw new ModelFormatException(dir + ": no " + WEIGHTS + " or " + INDEX + " (a Hugging Face checkpoint's weights)");
        }
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (Path p : shards) files.add(SafetensorsFile.open(p));
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfCheckpoint(dir, config, files);
    }

    private static JsonNode readJson(Path p) {
        try {
            JsonNode n = JSON.readTree(Files.readString(p));
            if (n == null || !n.isObject()) throw new ModelFormatException(p + ": not a JSON object");
            return n;
        } catch (IOException e) {
            throw new ModelFormatException(p + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    // ---- config.json ---------------------------------------------------------------------------------------------

    /** The hyper-parameters from config.json; {@code activation} overrides {@code hidden_act} when not null. */
    @Override
    public ModelConfig config(Activation activation) {
        String type = config.path("model_type").asText("");
        if (!type.equals("bitnet")) {
            throw configError("model_type", "is '" + type + "', expected 'bitnet' (BitNetForCausalLM)");
        }
        int dim = positive("hidden_size"), layers = positive("num_hidden_layers"), heads = positive("num_attention_heads");
        int kvHeads = config.has("num_key_value_heads") ? positive("num_key_value_heads") : heads;
        int ffn = positive("intermediate_size"), vocab = positive("vocab_size");
        int context = config.has("max_position_embeddings") ? positive("max_position_embeddings") : 4096;
        float theta = (float) config.path("rope_theta").asDouble(10000), eps = (float) config.path("rms_norm_eps").asDouble(1e-5);
        if (dim % heads != 0) throw configError("num_attention_heads", heads + " heads do not divide hidden_size " + dim);
        if (heads % kvHeads != 0) throw configError("num_key_value_heads", kvHeads + " do not divide the " + heads + " heads");
        if ((dim / heads) % 2 != 0) throw configError("num_attention_heads", "head dimension " + dim / heads + " is odd");
        if (!(theta > 1)) throw configError("rope_theta", "is " + theta + ", expected > 1");
        if (!(eps > 0 && eps < 1)) throw configError("rms_norm_eps", "is " + eps + ", expected 0 < eps < 1");
        Activation act = activation;
        if (act == null) {
            String name = config.path("hidden_act").asText("relu2");
            act = Activation.parse(name);
            if (act == null) throw configError("hidden_act", "is '" + name + "', expected relu2 or silu");
        }
        return new ModelConfig("bitnet-b1.58", dim, layers, heads, kvHeads, dim / heads, ffn, vocab, context, theta, eps, act);
    }

    private int positive(String key) {
        JsonNode v = config.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() < 1) {
            throw configError(key, v == null ? "is missing" : "is " + v + ", expected a positive integer");
        }
        return v.asInt();
    }

    private ModelFormatException configError(String key, String what) {
        return new ModelFormatException(dir.resolve(CONFIG) + ": '" + key + "' " + what);
    }

    // ---- tokenizer.json ------------------------------------------------------------------------------------------

    /** The byte-level BPE tokenizer of tokenizer.json; BOS and EOS ids from config.json. */
    @Override
    public Llama3Tokenizer tokenizer() {
        Path p = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(p)) throw new ModelFormatException(dir + ": no " + TOKENIZER);
        JsonNode root = readJson(p), model = root.path("model");
        if (!model.path("type").asText("BPE").equals("BPE") || !model.path("vocab").isObject()) {
            throw new ModelFormatException(p + ": 'model' is not a BPE model with a 'vocab' object");
        }
        Map<Integer, String> byId = new HashMap<>();
        Map<Integer, Boolean> special = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
            var e = it.next();
            byId.put(e.getValue().asInt(), e.getKey());
        }
        for (JsonNode added : root.path("added_tokens")) {
            byId.put(added.path("id").asInt(), added.path("content").asText());
            special.put(added.path("id").asInt(), added.path("special").asBoolean(true));
        }
        int n = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<String> tokens = new ArrayList<>(n);
        int[] types = new int[n];
        for (int id = 0; id < n; id++) {
            String t = byId.get(id);
            if (t == null) throw new ModelFormatException(p + ": no token has id " + id + " (ids run to " + (n - 1) + ")");
            tokens.add(t);
            types[id] = special.getOrDefault(id, false) ? 3 : 1; // ggml's control / normal
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) { // "left right", or ["left", "right"] in newer files
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        int bos = tokenId("bos_token_id", n), eos = tokenId("eos_token_id", n);
        try {
            return new Llama3Tokenizer(tokens, merges, types, bos, eos);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(p + ": bad tokenizer data: " + e.getMessage());
        }
    }

    /** An id key of config.json: an integer, or a list whose first entry counts (eos_token_id of chat models). */
    private int tokenId(String key, int vocab) {
        JsonNode v = config.get(key);
        if (v != null && v.isArray() && !v.isEmpty()) v = v.get(0);
        if (v == null || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() >= vocab) {
            throw configError(key, v == null ? "is missing" : "is " + v + ", expected a token id below " + vocab);
        }
        return v.asInt();
    }

    // ---- weights -------------------------------------------------------------------------------------------------

    /** Loads every weight onto {@code backend}, checked against {@code c}. */
    @Override
    public ModelWeights load(ModelConfig c, Backend backend, LmHeadType lmHeadType) {
        int d = c.dim(), kv = c.kvDim(), f = c.ffnDim();
        F16Matrix embeddingF16 = floatMatrix("model.embed_tokens.weight", c.vocabSize(), d);
        Tensor embedding = backend.loadEmbedding(embeddingF16);
        boolean tied = config.path("tie_word_embeddings").asBoolean(true);
        F16Matrix untied = tied ? null : floatMatrix("lm_head.weight", c.vocabSize(), d);
        Tensor lmHead = switch (lmHeadType) {
            case F16 -> untied == null ? embedding : backend.loadEmbedding(untied);
            case Q8 -> backend.loadLmHead(Int8RowMatrix.quantize(untied == null ? embeddingF16 : untied));
        };
        Tensor outputNorm = backend.loadVector(vector("model.norm.weight", d));
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            layers.add(new LayerWeights(
                    backend.loadVector(vector(p + "input_layernorm.weight", d)),
                    backend.loadVector(vector(p + "self_attn.attn_sub_norm.weight", d)),
                    backend.loadVector(vector(p + "post_attention_layernorm.weight", d)),
                    backend.loadVector(vector(p + "mlp.ffn_sub_norm.weight", f)),
                    backend.loadTernary(ternary(p + "self_attn.q_proj", d, d)),
                    backend.loadTernary(ternary(p + "self_attn.k_proj", kv, d)),
                    backend.loadTernary(ternary(p + "self_attn.v_proj", kv, d)),
                    backend.loadTernary(ternary(p + "self_attn.o_proj", d, d)),
                    backend.loadTernary(ternary(p + "mlp.gate_proj", f, d)),
                    backend.loadTernary(ternary(p + "mlp.up_proj", f, d)),
                    backend.loadTernary(ternary(p + "mlp.down_proj", d, f))));
        }
        return new ModelWeights(embedding, lmHead, outputNorm, layers);
    }

    private SafetensorsTensor tensor(String name) {
        SafetensorsTensor t = tensors.get(name);
        if (t == null) throw new ModelFormatException(dir + ": tensor '" + name + "' is missing");
        return t;
    }

    private ModelFormatException tensorError(SafetensorsTensor t, String what) {
        return new ModelFormatException(fileOf.get(t.name()).path() + ": tensor '" + t.name() + "' " + what);
    }

    private void expectShape(SafetensorsTensor t, long... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw tensorError(t, "has shape " + t.shapeString() + ", expected " + Arrays.toString(shape));
        }
    }

    private GgmlType floatType(SafetensorsTensor t) {
        if (t.dtype().floatType() == null) throw tensorError(t, "has dtype " + t.dtype() + ", expected F32, F16 or BF16");
        return t.dtype().floatType();
    }

    /** As f16: F16 data is the mapping itself; other types are converted and their pages dropped from the resident set. */
    private F16Matrix floatMatrix(String name, int rows, int cols) {
        SafetensorsTensor t = tensor(name);
        expectShape(t, rows, cols);
        F16Matrix m = EmbeddingDecoder.toF16(floatType(t), fileOf.get(name).data(t), rows, cols);
        if (t.dtype() != SafetensorsDtype.F16) fileOf.get(name).release(t);
        return m;
    }

    private float[] vector(String name, int n) {
        SafetensorsTensor t = tensor(name);
        expectShape(t, n);
        return EmbeddingDecoder.toF32Vector(floatType(t), fileOf.get(name).data(t), n);
    }

    /** A linear layer {@code prefix.weight} as {@code [out, in]} trits: packed U8 with its scale, or latent floats. */
    private TernaryMatrix ternary(String prefix, int out, int in) {
        SafetensorsTensor w = tensor(prefix + ".weight");
        MemorySegment data = fileOf.get(w.name()).data(w);
        byte[] trits = tritBuffers.computeIfAbsent((long) out * in, n -> new byte[Math.toIntExact(n)]); // reused: one per shape
        if (w.dtype() == SafetensorsDtype.U8) {
            if (out % 4 != 0) throw tensorError(w, "is packed, but " + out + " output rows are not a multiple of 4");
            expectShape(w, out / 4, in);
            int quarter = out / 4;
            byte[] packedRow = new byte[in];
            for (int r = 0; r < quarter; r++) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) r * in, packedRow, 0, in);
                for (int i = 0; i < 4; i++) {
                    int to = (i * quarter + r) * in;
                    for (int col = 0; col < in; col++) {
                        int code = (packedRow[col] >> (2 * i)) & 3;
                        if (code == 3) {
                            long at = (long) r * in + col;
                            throw tensorError(w, "byte " + at + " (data offset " + (w.offset() + at) + ") holds the 2-bit code 3,"
                                    + " which is no ternary value (expected 0, 1 or 2 for -1, 0, +1)");
                        }
                        trits[to + col] = (byte) (code - 1);
                    }
                }
            }
            SafetensorsTensor s = tensor(prefix + ".weight_scale");
            float[] scale = new float[1];
            if (s.elements() != 1) throw tensorError(s, "has shape " + s.shapeString() + ", expected one value");
            FloatCodecs.decode(floatType(s), fileOf.get(s.name()).data(s), 0, scale);
            if (!(scale[0] > 0) || Float.isInfinite(scale[0])) throw tensorError(s, "is " + scale[0] + ", expected a positive scale");
            fileOf.get(w.name()).release(w); // the backend repacks the trits: the file's pages need not stay resident
            return new TernaryMatrix(w.name(), out, in, trits, scale[0]);
        }
        expectShape(w, out, in);
        TernaryMatrix m = quantizeLatent(w.name(), floatType(w), data, out, in, trits);
        fileOf.get(w.name()).release(w);
        return m;
    }

    /** BitNet's absmean quantisation of latent weights (transformers' online mode), into {@code trits}. */
    static TernaryMatrix quantizeLatent(String name, GgmlType type, MemorySegment data, int out, int in, byte[] trits) {
        float[] row = new float[in];
        double sum = 0;
        for (int r = 0; r < out; r++) {
            FloatCodecs.decode(type, data, (long) r * in, row);
            for (float x : row) sum += Math.abs(x);
        }
        float scale = (float) Math.max(sum / ((double) out * in), 1e-5);
        for (int r = 0; r < out; r++) {
            FloatCodecs.decode(type, data, (long) r * in, row);
            for (int col = 0; col < in; col++) {
                trits[r * in + col] = (byte) Math.max(-1, Math.min(1, Math.rint(row[col] / scale)));
            }
        }
        return new TernaryMatrix(name, out, in, trits, scale);
    }

    /** Every tensor by name (tests). */
    Map<String, SafetensorsTensor> tensorsForTest() {
        return tensors;
    }

    /** A tensor's bytes (tests). */
    MemorySegment dataForTest(SafetensorsTensor t) {
        return fileOf.get(t.name()).data(t);
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
