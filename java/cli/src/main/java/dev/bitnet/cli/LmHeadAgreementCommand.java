package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import dev.bitnet.bench.LmHeadAgreement;
import dev.bitnet.gguf.GgufFile;
import dev.bitnet.tokenizer.Llama3Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bitnet lm-head-agreement}: what {@code --lm-head q8} changes against the exact f16 head, teacher-forced over
 * prompts ({@link LmHeadAgreement}), the report the CPU-speed issue asks for next to the q8 head's speed.
 */
@Command(name = "lm-head-agreement", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Compare the int8 LM head (--lm-head q8) with the exact f16 head, teacher-forced as "
                + "llama-perplexity --kl-divergence does: each prompt is fed, then -n tokens are decoded greedily by the f16 "
                + "head, and at every step both heads turn the same hidden state into logits. Prints the share of steps "
                + "whose greedy token is the same, the mean and largest KL divergence and the largest logit difference.")
final class LmHeadAgreementCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    SyntheticModel.Source source;
    @Option(names = "--backend", paramLabel = "NAME[:DEVICE]", defaultValue = "",
            description = "backend to run on (default: the fastest available; see 'bitnet devices')")
    String backend;
    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "0", description = "CPU threads (default: one per physical core)")
    int threads;
    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", defaultValue = "32", description = "steps compared per prompt (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",", description = "a prompt as token ids (e.g. 128000,791,6864); may be given again")
    List<Integer> promptIds;
    @Option(names = "--prompts", paramLabel = "FILE", description = "prompts, one per line (UTF-8; blank lines skipped), each "
            + "tokenized with BOS by the model's tokenizer")
    Path promptFile;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;
    @Mixin
    VerboseOption verbose;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (promptIds == null && promptFile == null) throw new BitNetException("give the prompts: --prompt-ids IDS or --prompts FILE");
        if (steps < 1) throw new BitNetException("-n must be >= 1, not " + steps);
        Path model = source.file(err);
        ModelFiles.requireGguf(model, "lm-head-agreement");
        List<int[]> prompts = prompts(model);
        err.println("comparing the q8 and f16 heads over " + prompts.size() + (prompts.size() == 1 ? " prompt" : " prompts")
                + " x " + steps + " steps" + (backend.isEmpty() ? "" : " on " + backend) + "...");
        LmHeadAgreement a = LmHeadAgreement.measure(model, backend, threads, prompts, steps);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", model.toString());
            o.put("backend", a.backend());
            o.put("prompts", a.prompts());
            o.put("steps", a.steps());
            o.put("same_top_token", a.sameTop());
            o.put("same_top_token_share", a.sameTopShare());
            o.put("mean_kl_divergence", a.meanKl());
            o.put("max_kl_divergence", a.maxKl());
            o.put("max_logit_difference", a.maxLogitDelta());
            out.println(Json.write(o));
        } else {
            out.printf(Locale.ROOT, "LM head q8 against f16, teacher-forced, %s%n", a.backend());
            out.printf(Locale.ROOT, "%d prompt%s x %d steps: same greedy token in %d of %d steps (%.1f%%)%n", a.prompts(),
                    a.prompts() == 1 ? "" : "s", steps, a.sameTop(), a.steps(), 100 * a.sameTopShare());
            out.printf(Locale.ROOT, "KL divergence of q8 from f16: mean %.3g, largest %.3g nats; largest logit difference %.3g%n",
                    a.meanKl(), a.maxKl(), a.maxLogitDelta());
        }
        return 0;
    }

    /** The --prompt-ids prompt (one), then the --prompts file's lines, tokenized with BOS. */
    private List<int[]> prompts(Path model) throws Exception {
        List<int[]> list = new ArrayList<>();
        if (promptIds != null) list.add(promptIds.stream().mapToInt(Integer::intValue).toArray());
        if (promptFile != null) {
            if (!Files.isRegularFile(promptFile)) throw new BitNetException("--prompts " + promptFile + ": no such file");
            List<String> lines = Files.readAllLines(promptFile, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) throw new BitNetException("--prompts " + promptFile + ": no prompt in it (one per line)");
            try (GgufFile gguf = GgufFile.open(model)) {
                Llama3Tokenizer t = Llama3Tokenizer.fromGguf(gguf);
                for (String line : lines) list.add(t.encode(line, true));
            }
        }
        return list;
    }
}
