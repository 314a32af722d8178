package dev.bitnet.cli;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bitnet chat}: an interactive conversation in the BitNet chat format. The whole conversation stays in the
 * session's KV cache, so each turn only feeds the new message. Replies go to stdout; the "> " prompt and per-turn
 * statistics go to stderr, so piped output holds only the replies.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        customSynopsis = "bitnet chat -m FILE [--system TEXT] [OPTIONS]",
        description = {"Chat interactively: one line per message, read from stdin.",
                "Commands: /reset clears the conversation (the system message stays), /exit or end of input quits."})
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;
    @Mixin
    SamplingOptions sampling;
    @Mixin
    VerboseOption verbose;
    @Option(names = "--system", paramLabel = "TEXT", description = "system message")
    String system;
    @Spec
    CommandSpec spec;
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        GenerationParams params = sampling.toParams();
        BufferedReader in = new BufferedReader(new InputStreamReader(main.in(), StandardCharsets.UTF_8));
        try (BitNetModel m = BitNet.load(model.model(), model.toLoadOptions()); Session session = m.newSession()) {
            if (system != null) session.setSystemPrompt(system);
            err.printf(Locale.ROOT, "loaded %s on %s in %.2f s; context %d tokens. /reset clears, /exit quits.%n",
                    m.path().getFileName(), m.backendDescription(), m.loadSeconds(), session.contextLength());
            while (true) {
                err.print("> ");
                err.flush();
                String line = in.readLine();
                if (line == null) break;
                String command = line.strip();
                if (command.isEmpty()) continue;
                if (command.equals("/exit") || command.equals("/quit")) break;
                if (command.equals("/reset")) {
                    session.reset();
                    err.println("(conversation cleared)");
                    continue;
                }
                turn(session, line, params, out, err);
            }
            err.println();
        }
        return 0;
    }

    /** One user message and the streamed reply; a turn that does not fit is reported and the chat goes on. */
    private static void turn(Session session, String message, GenerationParams params, PrintWriter out, PrintWriter err) {
        try {
            GenerationResult r = session.chat(message, params, (id, text) -> {
                out.print(text);
                out.flush();
            });
            out.println();
            out.flush();
            err.printf(Locale.ROOT, "[%d tokens, %.2f tok/s, context %d/%d]%n", r.ids().length,
                    r.decodeTokensPerSecond(), session.position(), session.contextLength());
        } catch (BitNetException e) {
            err.println("error: " + e.getMessage() + " (/reset starts over)");
        }
    }
}
