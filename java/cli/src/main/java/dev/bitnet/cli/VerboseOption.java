package dev.bitnet.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose} (a picocli mixin on every command): errors also print their stack trace. {@link Main} looks for
 * the flag itself, so that it also applies to errors raised before the command line is fully parsed.
 */
public final class VerboseOption {
    /** The option's name, as {@link Main} looks for it in the arguments. */
    static final String NAME = "--verbose";

    @Option(names = NAME, description = "on errors, also print the stack trace")
    boolean verbose;
}
