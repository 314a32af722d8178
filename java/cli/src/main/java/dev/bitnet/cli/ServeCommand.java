package dev.bitnet.cli;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetException;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.scheduler.Scheduler;
import dev.bitnet.server.OpenAiServer;
import dev.bitnet.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code bitnet serve}: the OpenAI-compatible HTTP server, until the process is stopped (Ctrl-C, SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        customSynopsis = "bitnet serve -m FILE [--host ADDR] [--port N] [-np N] [OPTIONS]",
        description = {"Serve the model over an OpenAI-compatible HTTP API: POST /v1/completions, "
                + "POST /v1/chat/completions (with \"stream\": true for server-sent events), GET /v1/models, GET /health, GET /metrics.",
                "Concurrent requests share every forward step (continuous batching): up to --parallel generate at once, "
                        + "each with its own KV cache of --ctx-size tokens; more wait in a queue."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;
    @Mixin
    VerboseOption verbose;
    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = {"-np", "--parallel"}, paramLabel = "N", defaultValue = "4",
            description = "requests generating at once, each with a KV cache of --ctx-size tokens (default: ${DEFAULT-VALUE})")
    int parallel;
    @Option(names = {"-ub", "--ubatch"}, paramLabel = "N", defaultValue = "64",
            description = "tokens per forward step: prompt chunks and one token of each generating request (default: ${DEFAULT-VALUE})")
    int stepTokens;
    @Option(names = "--no-prefix-cache", description = "compute every prompt in full (by default the KV of prompt "
            + "prefixes seen before, such as a system prompt or a chat's earlier turns, is reused)")
    boolean noPrefixCache;
    @Option(names = "--api-key", paramLabel = "KEY", description = "require 'Authorization: Bearer KEY' on every "
            + "endpoint but /health (default: the BITNET_API_KEY environment variable, else none)")
    String apiKey;
    @Option(names = "--alias", paramLabel = "NAME", description = "the model's id in the API (default: the file name)")
    String alias;
    @Spec
    CommandSpec spec;

    private String apiKey() {
        String key = apiKey != null ? apiKey : System.getenv("BITNET_API_KEY");
        if (key != null && key.isBlank()) throw new BitNetException("the API key is empty");
        return key;
    }

    @Override
    public Integer call() {
        if (parallel < 1 || parallel > 256) throw new BitNetException("--parallel must be in 1..256, got " + parallel);
        if (stepTokens < 1) throw new BitNetException("--ubatch must be >= 1, got " + stepTokens);
        if (port < 0 || port > 65535) throw new BitNetException("--port must be in 0..65535, got " + port);
        PrintWriter err = spec.commandLine().getErr();
        String name = alias != null ? alias : model.model().getFileName().toString();
        CountDownLatch stopped = new CountDownLatch(1), closed = new CountDownLatch(1);
        // on Ctrl-C / SIGTERM the JVM runs this hook and halts when it returns: let the server close first
        Thread hook = new Thread(() -> {
            stopped.countDown();
            try {
                closed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) { // halting anyway
            }
        });
        try (BitNetModel m = BitNet.load(model.model(), model.toLoadOptions().withMaxSequences(parallel).withPrefillChunk(stepTokens));
             OpenAiServer server = OpenAiServer.start(new Scheduler(m, !noPrefixCache), new ServerConfig(host, port, name, ServerConfig.DEFAULT_MAX_BODY_BYTES, apiKey()))) {
            Runtime.getRuntime().addShutdownHook(hook);
            err.printf("%s | %s | %d parallel, context %d tokens each%nlistening on http://%s:%d%n", name,
                    m.backendDescription(), parallel, m.contextLength(), host, server.port());
            err.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) { // an embedding program stopping the command: close down as for Ctrl-C
            }
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException notRemovable) { // shutting down, or never added
            }
        }
        return 0;
    }
}
