package dev.bitnet.testmodel;

import java.nio.file.Path;

/**
 * Where a test model's tokenizer comes from: a synthetic byte-level vocabulary of a given size, or the real Llama 3
 * vocabulary ({@code vocab.json}: a JSON array of token strings; {@code merges.txt}: one merge per line).
 */
public sealed interface VocabSource {
    record Synthetic() implements VocabSource {
    }

    record Llama3Files(Path vocabJson, Path mergesTxt) implements VocabSource {
    }

    static VocabSource synthetic() {
        return new Synthetic();
    }

    static VocabSource llama3(Path dir) {
        return new Llama3Files(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }
}
