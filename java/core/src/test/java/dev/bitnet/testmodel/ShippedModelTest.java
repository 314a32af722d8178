package dev.bitnet.testmodel;

import dev.bitnet.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The model shipped in test-models/ is exactly what the generator makes: the file and the code cannot drift. */
class ShippedModelTest {
    @Test
    void shippedModelIsReproducible(@TempDir Path dir) throws IOException {
        Path shipped = Path.of(System.getProperty("bitnet.root.dir", "../..")).resolve("test-models/bitnet-tiny-llama3-i2_s.gguf");
        Path fresh = dir.resolve("fresh.gguf");
        TestModelGenerator.write(TestModelSpec.tinyLlama3(SharedData.dir().resolve("llama3-tokenizer")), fresh);
        assertEquals(-1L, Files.mismatch(shipped, fresh), "test-models/ differs from the generator's output");
    }
}
