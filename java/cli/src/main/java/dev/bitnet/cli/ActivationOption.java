package dev.bitnet.cli;

import dev.bitnet.model.Activation;
import picocli.CommandLine.Option;

/** {@code --activation relu2|silu}: overrides the feed-forward activation the file implies (a picocli mixin). */
public final class ActivationOption {
    @Option(names = "--activation", paramLabel = "relu2|silu",
            description = "override the FFN activation (default: by architecture: relu2 for bitnet-b1.58 and "
                    + "bitnet-25, silu for bitnet)")
    String activation;

    /** The override, or {@code null} to follow the file. */
    Activation orNull() {
        return activation == null ? null : Activation.parse(activation);
    }
}
