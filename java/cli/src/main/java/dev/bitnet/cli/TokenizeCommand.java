package dev.bitnet.cli;

import dev.bitnet.model.ModelSource;
import dev.bitnet.tokenizer.Llama3Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bitnet tokenize}: the ids and pieces of a text under the model's tokenizer. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Show the token ids and pieces of a text under the model's tokenizer (no BOS unless --bos).")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelFileOption file;
    @Option(names = "--bos", description = "add the BOS token first")
    boolean bos;
    @Option(names = "--json", description = "print one JSON object: {\"ids\": [...]}")
    boolean json;
    @Mixin
    VerboseOption verbose;
    @Parameters(index = "0", paramLabel = "TEXT", description = "the text")
    String text;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ModelSource source = ModelSource.open(file.path())) {
            Llama3Tokenizer t = source.tokenizer();
            int[] ids = t.encode(text, bos);
            if (json) {
                out.println(Json.write(Map.of("ids", Arrays.stream(ids).boxed().toList())));
            } else {
                for (int id : ids) out.printf(Locale.ROOT, "%8d  %s%n", id, Json.write(t.piece(id)));
                out.println(ids.length + " tokens");
            }
        }
        return 0;
    }
}
