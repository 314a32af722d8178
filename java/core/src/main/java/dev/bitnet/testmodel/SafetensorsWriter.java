package dev.bitnet.testmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitnet.safetensors.SafetensorsDtype;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes safetensors files (for tests and the checkpoints they load): tensors in the order added, header padded to 8. */
public final class SafetensorsWriter {
    private record Entry(String name, SafetensorsDtype dtype, long[] shape, byte[] data) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, byte[] data) {
        entries.add(new Entry(name, dtype, shape.clone(), data));
        return this;
    }

    public void write(Path out) {
        ObjectNode header = new ObjectMapper().createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            t.putArray("data_offsets").add(offset).add(offset + e.data().length);
            offset += e.data().length;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            o.write(json);
            for (int i = json.length; i < padded; i++) o.write(' ');
            for (Entry e : entries) o.write(e.data());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
