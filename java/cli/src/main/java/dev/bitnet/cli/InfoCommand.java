package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.backend.KvCacheSpec;
import dev.bitnet.backend.KvType;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.gguf.GgufTensorInfo;
import dev.bitnet.model.ModelConfig;
import dev.bitnet.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code bitnet info}: a model file's metadata, hyper-parameters, tensors and memory needs, without loading it. */
@Command(name = "info", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Show a model file's metadata (long arrays summarised), hyper-parameters, tensors (name, type, "
                + "shape, bytes) and memory: weights, and the KV cache for the context at f16.",
                "Reads only the header; the weights are not loaded."})
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelFileOption file;
    @Mixin
    ActivationOption activation;
    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", defaultValue = "0",
            description = "context length for the KV cache figure (default: the model's)")
    int contextLength;
    @Option(names = "--json", description = "print one JSON object: file, config, metadata, tensors, memory")
    boolean json;
    @Mixin
    VerboseOption verbose;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path model = this.file.path();
        ModelFiles.requireGguf(model, "info");
        if (contextLength < 0) throw new BitNetException("--ctx-size must be >= 0, got " + contextLength);
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig c = ModelLoader.readConfig(file, activation.orNull());
            int context = contextLength > 0 ? contextLength : c.contextLength();
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (String key : file.keys()) metadata.put(key, summarise(file.value(key).orElse(null)));
            List<Map<String, Object>> tensors = new ArrayList<>();
            Map<String, Long> bytesByType = new TreeMap<>();
            long weightBytes = 0;
            for (GgufTensorInfo t : file.tensors()) {
                Map<String, Object> tensor = new LinkedHashMap<>();
                tensor.put("name", t.name());
                tensor.put("type", t.type().name());
                tensor.put("shape", t.dims());
                tensor.put("bytes", t.byteSize());
                tensors.add(tensor);
                bytesByType.merge(t.type().name(), t.byteSize(), Long::sum);
                weightBytes += t.byteSize();
            }
            long kvBytes = new KvCacheSpec(c.layers(), c.kvHeads(), c.headDim(), 1, context, KvType.F16).bytes();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("file", model.toString());
                o.put("file_bytes", file.fileSize());
                o.put("gguf_version", file.version());
                o.put("config", c);
                o.put("metadata", metadata);
                o.put("tensors", tensors);
                Map<String, Object> memory = new LinkedHashMap<>();
                memory.put("weights_bytes", weightBytes);
                memory.put("bytes_by_type", bytesByType);
                memory.put("context_length", context);
                memory.put("kv_cache_f16_bytes", kvBytes);
                o.put("memory", memory);
                out.println(Json.write(o));
                return 0;
            }
            out.printf(Locale.ROOT, "file        %s (%s, GGUF v%d)%n", model, mib(file.fileSize()), file.version());
            out.printf(Locale.ROOT, "model       %s: dim %d, %d layers, %d heads (%d kv, head dim %d), ffn %d, vocab %d, context %d%n",
                    c.architecture(), c.dim(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.ffnDim(),
                    c.vocabSize(), c.contextLength());
            out.printf(Locale.ROOT, "            RoPE theta %.0f, RMSNorm eps %g, activation %s%n", c.ropeTheta(), c.rmsEps(), c.activation().id());
            out.printf(Locale.ROOT, "memory      weights %s (%s); KV cache for %d tokens at f16: %s%n", mib(weightBytes),
                    String.join(", ", bytesByType.entrySet().stream().map(e -> e.getKey() + " " + mib(e.getValue())).toList()),
                    context, mib(kvBytes));
            out.println();
            out.println("metadata:");
            metadata.forEach((k, v) -> out.printf(Locale.ROOT, "  %-45s %s%n", k, v));
            out.println();
            out.printf(Locale.ROOT, "tensors (%d):%n", tensors.size());
            for (GgufTensorInfo t : file.tensors()) {
                out.printf(Locale.ROOT, "  %-32s %-6s %-18s %s%n", t.name(), t.type(), t.shape(), mib(t.byteSize()));
            }
        }
        return 0;
    }

    /** Long arrays (the vocabulary, the merges) are shown by their size and first entries. */
    private static Object summarise(Object v) {
        if (v instanceof List<?> list && list.size() > 8) {
            return "[" + list.size() + " entries: " + String.join(", ", list.subList(0, 4).stream().map(String::valueOf).toList()) + ", ...]";
        }
        if (v instanceof String s && s.length() > 120) return s.substring(0, 117) + "...";
        return v;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
