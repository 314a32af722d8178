package dev.bitnet.cli;

/**
 * An option mixin whose options the usage help shows under a heading of their own (see {@link SectionedOptionList}),
 * so that, for example, every command that samples lists the sampling options together.
 */
interface HelpSection {
    /** The heading, e.g. {@code "Sampling"}. */
    String helpHeading();
}
