package dev.bitnet.cli;

import dev.bitnet.api.BitNetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code bitnet} command line. User errors ({@link BitNetException}) print one line and exit 1; usage errors exit
 * 2; anything unexpected exits 3 with a one-line summary (the stack trace only with {@code --verbose}).
 */
@Command(name = "bitnet", mixinStandardHelpOptions = true, version = "bitnet-java 0.1.0",
        description = "Run BitNet b1.58 models (GGUF: I2_S, TQ2_0, TQ1_0) on the CPU.",
        subcommands = {GenerateCommand.class, ChatCommand.class, InfoCommand.class, TokenizeCommand.class,
                DevicesCommand.class, BenchCommand.class, MakeTestModelCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_USER_ERROR = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3;

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs a command line; returns the exit code (used by tests in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BitNetException) {
                err.println("error: " + e.getMessage());
                if (verbose) e.printStackTrace(err);
                return EXIT_USER_ERROR;
            }
            err.println("internal error: " + e.getClass().getName() + ": " + e.getMessage()
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) e.printStackTrace(err);
            return EXIT_INTERNAL;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }
}
