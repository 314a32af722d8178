package dev.bitnet.cli;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code bitnet chat}: an interactive conversation; the whole conversation stays in the session's KV cache. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat interactively (one line per message; /reset starts over, /exit or end of input quits).")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;
    @Mixin
    SamplingOptions sampling;
    @Option(names = "--system", description = "system message")
    String system;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (BitNetModel m = BitNet.load(model.model, model.toLoadOptions())) {
            err.println("loaded " + m.path().getFileName() + " on " + m.backendDescription() + " in "
                    + String.format("%.2f", m.loadSeconds()) + " s; context " + m.config().contextLength() + " tokens");
            Session session = newSession(m);
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                if (line.strip().equals("/reset")) {
                    session.close();
                    session = newSession(m);
                    err.println("(conversation cleared)");
                    continue;
                }
                try {
                    GenerationResult r = session.chat(line, sampling.toParams(), (id, text) -> {
                        out.print(text);
                        out.flush();
                    });
                    out.println();
                    err.printf("[%d tokens, %.2f tok/s, context %d/%d]%n", r.ids().length, r.decodeTokensPerSecond(),
                            session.position(), session.contextLength());
                } catch (BitNetException e) {
                    err.println("error: " + e.getMessage() + " (use /reset to start over)");
                }
            }
            session.close();
        }
        return 0;
    }

    private Session newSession(BitNetModel m) {
        Session s = m.newSession();
        if (system != null) s.setSystemPrompt(system);
        return s;
    }
}
