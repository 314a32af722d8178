package dev.bitnet.cli;

import dev.bitnet.gguf.GgufFile;
import dev.bitnet.tokenizer.Llama3Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bitnet tokenize}: the ids and pieces of a text under the model's tokenizer. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Show the token ids and pieces of a text.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "GGUF model file")
    Path model;
    @Option(names = "--bos", description = "add the BOS token first")
    boolean bos;
    @Option(names = "--json", description = "print {\"ids\": [...]}")
    boolean json;
    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;
    @Parameters(index = "0", description = "the text")
    String text;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelFiles.requireFile(model);
        try (GgufFile file = GgufFile.open(model)) {
            Llama3Tokenizer t = Llama3Tokenizer.fromGguf(file);
            int[] ids = t.encode(text, bos);
            if (json) {
                out.println(Json.write(Map.of("ids", Arrays.stream(ids).boxed().toList())));
            } else {
                for (int id : ids) out.printf("%8d  %s%n", id, Json.write(t.piece(id)));
                out.println(ids.length + " tokens");
            }
        }
        return 0;
    }
}
