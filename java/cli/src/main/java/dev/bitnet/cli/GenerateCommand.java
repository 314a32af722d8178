package dev.bitnet.cli;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.Session;
import dev.bitnet.api.TokenListener;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bitnet generate}: continue a prompt, streaming the text, then report the speed. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt (streamed), then print timings on stderr.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;
    @Mixin
    SamplingOptions sampling;
    @ArgGroup(multiplicity = "1")
    Prompt prompt;
    @Option(names = "--json", description = "print one JSON object (prompt_ids, ids, text, stop_reason, timings) instead of streaming")
    boolean json;
    @Spec
    CommandSpec spec;

    static final class Prompt {
        @Option(names = {"-p", "--prompt"}, description = "the prompt text (BOS is added)")
        String text;
        @Option(names = "--prompt-ids", split = ",", description = "the prompt as token ids, e.g. 128000,791,6864")
        int[] ids;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        var params = sampling.toParams();
        try (BitNetModel m = BitNet.load(model.model, model.toLoadOptions()); Session session = m.newSession()) {
            int[] ids = prompt.ids != null ? prompt.ids : m.tokenizer().encode(prompt.text, true);
            if (ids.length == 0) throw new BitNetException("the prompt is empty");
            TokenListener stream = json ? TokenListener.NONE : (id, text) -> {
                out.print(text);
                out.flush();
            };
            if (!json && prompt.text != null) out.print(prompt.text);
            GenerationResult r = session.generate(ids, params, stream);
            if (json) {
                out.println(Json.write(result(m, r, sampling.seedInUse)));
            } else {
                out.println();
                err.printf("%s | prompt %d tokens, %.2f tok/s | generated %d tokens, %.2f tok/s | load %.2f s | stop: %s%n",
                        m.backendDescription(), r.promptIds().length, r.prefillTokensPerSecond(), r.ids().length,
                        r.decodeTokensPerSecond(), m.loadSeconds(), r.stopReason().name().toLowerCase());
            }
        }
        return 0;
    }

    static Map<String, Object> result(BitNetModel m, GenerationResult r, long seed) {
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("load_seconds", m.loadSeconds());
        timings.put("prefill_seconds", r.prefillSeconds());
        timings.put("decode_seconds", r.decodeSeconds());
        timings.put("prefill_tokens_per_s", r.prefillTokensPerSecond());
        timings.put("decode_tokens_per_s", r.decodeTokensPerSecond());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prompt_ids", Arrays.stream(r.promptIds()).boxed().toList());
        o.put("ids", Arrays.stream(r.ids()).boxed().toList());
        o.put("text", r.text());
        o.put("stop_reason", r.stopReason().name().toLowerCase());
        o.put("seed", seed);
        o.put("backend", m.backendName());
        o.put("timings", timings);
        return o;
    }
}
