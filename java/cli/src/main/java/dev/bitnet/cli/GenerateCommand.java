package dev.bitnet.cli;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bitnet generate}: continues a prompt, streaming the text, then reports the speed (or prints JSON). */
@Command(name = "generate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        customSynopsis = "bitnet generate -m FILE (-p TEXT | --prompt-ids IDS) [OPTIONS]",
        description = {"Continue a prompt: the text is streamed to stdout, then one line of timings goes to stderr "
                + "(prompt tokens, prefill tok/s, generated tokens, decode tok/s).",
                "Stops at <|eot_id|>, <|end_of_text|>, a --stop string, -n tokens or a full context."})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;
    @Mixin
    SamplingOptions sampling;
    @Mixin
    VerboseOption verbose;
    @ArgGroup(multiplicity = "1")
    Prompt prompt;
    @Option(names = "--json", description = "print one JSON object instead of streaming: prompt_ids, ids, text, "
            + "stop_reason, seed, backend, timings")
    boolean json;
    @Spec
    CommandSpec spec;

    /** The prompt: text or token ids, exactly one. */
    static final class Prompt {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the prompt text (BOS is added)")
        String text;
        @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",",
                description = "the prompt as comma-separated token ids, used as given, e.g. 128000,791,6864")
        int[] ids;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        GenerationParams params = sampling.toParams();
        try (BitNetModel m = BitNet.load(model.model(), model.toLoadOptions()); Session session = m.newSession()) {
            int[] ids = prompt.ids != null ? prompt.ids : m.tokenizer().encode(prompt.text, true);
            // the prompt text is echoed once the session has accepted it (not before an error about it)
            String echo = prompt.text != null ? prompt.text : "";
            boolean[] echoed = {false};
            TokenListener stream = json ? TokenListener.NONE : (id, text) -> {
                if (!echoed[0]) {
                    out.print(echo);
                    echoed[0] = true;
                }
                out.print(text);
                out.flush();
            };
            GenerationResult r = session.generate(ids, params, stream);
            if (json) {
                out.println(Json.write(result(m, r, sampling.seedInUse())));
            } else {
                if (!echoed[0]) out.print(echo);
                out.println();
                out.flush();
                err.printf(Locale.ROOT, "%s | prompt %d tokens, %.2f tok/s | generated %d tokens, %.2f tok/s"
                                + " | load %.2f s | stop: %s%n",
                        m.backendDescription(), r.promptIds().length, r.prefillTokensPerSecond(), r.ids().length,
                        r.decodeTokensPerSecond(), m.loadSeconds(), name(r));
            }
        }
        return 0;
    }

    private static String name(GenerationResult r) {
        return r.stopReason().name().toLowerCase(Locale.ROOT);
    }

    /** The {@code --json} object. */
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
        o.put("stop_reason", name(r));
        o.put("seed", seed);
        o.put("backend", m.backendName());
        o.put("timings", timings);
        return o;
    }
}
