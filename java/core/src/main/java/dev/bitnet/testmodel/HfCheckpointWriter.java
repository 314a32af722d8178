package dev.bitnet.testmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.model.HfCheckpoint;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import dev.bitnet.model.TensorNames;
import dev.bitnet.quant.EmbeddingDecoder;
import dev.bitnet.quant.FloatCodecs;
import dev.bitnet.quant.TernaryDecoder;
import dev.bitnet.quant.TernaryMatrix;
import dev.bitnet.safetensors.SafetensorsDtype;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a GGUF model as a Hugging Face checkpoint directory (config.json, tokenizer.json, model.safetensors), the
 * same weights exactly: embedding and norms in their GGUF float type (F16, BF16 or F32; a quantised embedding
 * becomes F16, the one inexact case), linear weights packed
 * ("offline": U8, four rows a byte, with an F32 {@code weight_scale}) or latent ("online": F32 values {@code t ·
 * scale}, which BitNet's absmean quantisation turns back into the same trits). For tests.
 */
public final class HfCheckpointWriter {
    private HfCheckpointWriter() {
    }

    public static void fromGguf(Path gguf, Path dir, boolean packed) {
        try (GgufFile file = GgufFile.open(gguf)) {
            Files.createDirectories(dir);
            ModelConfig c = ModelLoader.readConfig(file, null);
            writeConfig(file, c, dir.resolve(HfCheckpoint.CONFIG), packed);
            writeTokenizer(file, dir.resolve(HfCheckpoint.TOKENIZER));
            SafetensorsWriter w = new SafetensorsWriter();
            floats(w, file, TensorNames.TOKEN_EMBEDDING, "model.embed_tokens.weight", c.vocabSize(), c.dim());
            floats(w, file, TensorNames.OUTPUT_NORM, "model.norm.weight", c.dim());
            String[][] names = {{"ATTN_NORM", "input_layernorm"}, {"ATTN_SUB_NORM", "self_attn.attn_sub_norm"},
                    {"FFN_NORM", "post_attention_layernorm"}, {"FFN_SUB_NORM", "mlp.ffn_sub_norm"},
                    {"ATTN_Q", "self_attn.q_proj"}, {"ATTN_K", "self_attn.k_proj"}, {"ATTN_V", "self_attn.v_proj"},
                    {"ATTN_OUTPUT", "self_attn.o_proj"}, {"FFN_GATE", "mlp.gate_proj"}, {"FFN_UP", "mlp.up_proj"},
                    {"FFN_DOWN", "mlp.down_proj"}};
            for (int l = 0; l < c.layers(); l++) {
                for (String[] n : names) {
                    TensorNames.Layer which = TensorNames.Layer.valueOf(n[0]);
                    String hf = "model.layers." + l + "." + n[1] + ".weight";
                    GgufTensorInfo t = file.tensor(which.weight(l));
                    if (t.type().isTernary()) {
                        float scale = file.findTensor(which.scale(l)).map(s -> file.data(s).get(
                                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0)).orElse(Float.NaN);
                        linear(w, hf, TernaryDecoder.decode(file, t, scale), packed);
                    } else {
                        floats(w, file, which.weight(l), hf, t.elements());
                    }
                }
            }
            w.write(dir.resolve(HfCheckpoint.WEIGHTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeConfig(GgufFile file, ModelConfig c, Path out, boolean packed) throws IOException {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.putArray("architectures").add("BitNetForCausalLM");
        o.put("model_type", "bitnet").put("hidden_size", c.dim()).put("num_hidden_layers", c.layers())
                .put("num_attention_heads", c.heads()).put("num_key_value_heads", c.kvHeads())
                .put("intermediate_size", c.ffnDim()).put("vocab_size", c.vocabSize())
                .put("max_position_embeddings", c.contextLength()).put("rope_theta", c.ropeTheta())
                .put("rms_norm_eps", c.rmsEps()).put("hidden_act", c.activation().name().toLowerCase())
                .put("tie_word_embeddings", true)
                .put("bos_token_id", file.getInt("tokenizer.ggml.bos_token_id"))
                .put("eos_token_id", file.getInt("tokenizer.ggml.eos_token_id"));
        o.putObject("quantization_config").put("quant_method", "bitnet").put("linear_class", "autobitlinear")
                .put("quantization_mode", packed ? "offline" : "online");
        Files.writeString(out, o.toPrettyString());
    }

    private static void writeTokenizer(GgufFile file, Path out) throws IOException {
        List<String> tokens = file.getStringArray("tokenizer.ggml.tokens");
        int[] types = file.has("tokenizer.ggml.token_type") ? file.getIntArray("tokenizer.ggml.token_type") : null;
        ObjectNode root = new ObjectMapper().createObjectNode();
        var added = root.putArray("added_tokens");
        ObjectNode model = root.putObject("model").put("type", "BPE");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            boolean special = types != null && (types[id] == 3 || types[id] == 4);
            if (special) added.addObject().put("id", id).put("content", tokens.get(id)).put("special", true);
            else vocab.put(tokens.get(id), id);
        }
        var merges = model.putArray("merges");
        if (file.has("tokenizer.ggml.merges")) file.getStringArray("tokenizer.ggml.merges").forEach(merges::add);
        Files.writeString(out, root.toString());
    }

    /** A float tensor in its GGUF type, as {@code shape} (outermost first); a quantised embedding as F16. */
    private static void floats(SafetensorsWriter w, GgufFile file, String ggufName, String name, long... shape) {
        GgufTensorInfo t = file.tensor(ggufName);
        SafetensorsDtype dtype = switch (t.type()) {
            case F32 -> SafetensorsDtype.F32;
            case F16 -> SafetensorsDtype.F16;
            case BF16 -> SafetensorsDtype.BF16;
            default -> null;
        };
        if (dtype == null) {
            w.add(name, SafetensorsDtype.F16, shape, EmbeddingDecoder.toF16(file, t).data().toArray(ValueLayout.JAVA_BYTE));
        } else {
            w.add(name, dtype, shape, file.data(t).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static void linear(SafetensorsWriter w, String name, TernaryMatrix m, boolean packed) {
        int out = m.rows(), in = m.cols();
        if (packed) {
            int quarter = out / 4;
            byte[] p = new byte[quarter * in];
            for (int i = 0; i < 4; i++) {
                for (int r = 0; r < quarter; r++) {
                    for (int c = 0; c < in; c++) p[r * in + c] |= (byte) ((m.trit(i * quarter + r, c) + 1) << (2 * i));
                }
            }
            w.add(name, SafetensorsDtype.U8, new long[]{quarter, in}, p);
            w.add(name + "_scale", SafetensorsDtype.F32, new long[]{1}, FloatCodecs.encode(GgmlType.F32, new float[]{m.scale()}));
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(4 * out * in).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out * in; i++) b.putFloat(m.trits()[i] * m.scale());
        w.add(name, SafetensorsDtype.F32, new long[]{out, in}, b.array());
    }
}
