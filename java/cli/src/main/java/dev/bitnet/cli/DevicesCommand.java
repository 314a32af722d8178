package dev.bitnet.cli;

import dev.bitnet.backend.BackendProvider;
import dev.bitnet.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code bitnet devices}: every backend found, whether it can run here, and its devices. */
@Command(name = "devices", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "List every backend found, fastest first: its priority, whether it can run here (or why not) "
                + "and its devices. The first available one is the default of --backend.")
final class DevicesCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean first = true;
        for (BackendProvider p : Backends.providers()) {
            String why = p.unavailableReason();
            String state = why == null ? (first ? "available (default)" : "available") : "unavailable: " + why;
            if (why == null) first = false;
            out.printf("%-10s priority %-4d %s%n", p.name(), p.priority(), state);
            if (why == null) for (String d : p.devices()) out.println("           " + d);
        }
        return 0;
    }
}
