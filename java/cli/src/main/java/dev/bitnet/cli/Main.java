package dev.bitnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code bitnet} command line. User errors print one line {@code error: <message>} and exit 1; usage errors exit
 * 2 with a hint; anything unexpected exits 3 with a one-line summary (see {@link ErrorReport}); stack traces only
 * with {@code --verbose}.
 */
@Command(name = "bitnet", mixinStandardHelpOptions = true, version = "bitnet-java 0.1.0",
        usageHelpAutoWidth = true,
        description = "Run BitNet b1.58 models (GGUF: I2_S, TQ2_0, TQ1_0) in Java.",
        subcommands = {GenerateCommand.class, ChatCommand.class, ServeCommand.class, InfoCommand.class, TokenizeCommand.class,
                DevicesCommand.class, BenchCommand.class, LmHeadAgreementCommand.class, MakeTestModelCommand.class, CommandLine.HelpCommand.class},
        footer = {"",
                "Examples:",
                "  bitnet generate -m model.gguf -p \"The capital of France is\" -n 64",
                "  bitnet chat -m model.gguf --system \"You are a helpful assistant.\"",
                "  bitnet serve -m model.gguf --port 8080 -np 4",
                "  bitnet info -m model.gguf",
                "",
                "Run 'bitnet COMMAND --help' for a command's options.",
                "Exit codes: 0 ok, 1 error in the input (one line 'error: ...'), 2 bad usage, 3 internal error."})
public final class Main {
    /** Exit code of an error in the user's input (a bad file, option value or prompt). */
    public static final int EXIT_USER_ERROR = 1;
    /** Exit code of a command line picocli cannot parse. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of an unexpected failure (a bug). */
    public static final int EXIT_INTERNAL = 3;

    private final InputStream in;

    private Main(InputStream in) {
        this.in = in;
    }

    /** Standard input as the commands see it ({@code chat} reads it). */
    InputStream in() {
        return in;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, System.in, out, err);
        out.flush();
        System.exit(code);
    }

    /** Runs a command line with standard input; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs a command line in-process (as the tests do) and returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains(VerboseOption.NAME);
        CommandLine cli = new CommandLine(new Main(in));
        SectionedOptionList.install(cli);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getOut().flush();
            return ErrorReport.report(e, verbose, err);
        });
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage().replaceFirst("^Error: ", ""));
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        });
        try {
            return cli.execute(args);
        } catch (Throwable e) {  // Errors (out of memory, stack overflow) are not handed to the handler above
            return ErrorReport.report(e, verbose, err);
        }
    }
}
