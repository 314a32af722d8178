package dev.bitnet.server;

import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.api.Session;
import dev.bitnet.api.StopReason;
import dev.bitnet.api.TokenListener;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.scheduler.Scheduler;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A streaming client that hangs up mid-reply: its sequence is cancelled and its KV blocks come back. */
class ClientDisconnectTest {
    private static final int CTX = 2048;
    private static final int MAX_TOKENS = 2000;

    @TempDir
    Path dir;

    @Test
    void hangingUpCancelsTheSequence() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(11), file);
        try (BitNetModel model = BitNet.load(file, LoadOptions.defaults().withBackend("reference").withContextLength(CTX))) {
            try (Session s = model.newSession()) { // the precondition: alone, this prompt runs to its token limit
                var r = s.generate(new int[]{1, 2, 3}, GenerationParams.greedy(MAX_TOKENS), TokenListener.NONE);
                assertEquals(StopReason.MAX_TOKENS, r.stopReason());
            }
            int free = model.freeKvBlocks();
            Scheduler scheduler = new Scheduler(model);
            try (OpenAiServer server = OpenAiServer.start(scheduler, new ServerConfig("127.0.0.1", 0, "tiny", 1 << 20))) {
                String body = "{\"prompt\":[1,2,3],\"max_tokens\":" + MAX_TOKENS + ",\"temperature\":0,\"stream\":true}";
                long start = System.nanoTime();
                try (Socket socket = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = socket.getInputStream();
                    String seen = "";
                    while (!seen.contains("data: ")) { // the first event
                        byte[] b = new byte[256];
                        int n = in.read(b);
                        assertTrue(n > 0, "the stream ended before its first event");
                        seen += new String(b, 0, n, StandardCharsets.UTF_8);
                    }
                }
                // it was running when the first event came: it ends either cancelled or, were the hang-up missed, at its limit
                while (scheduler.runningCount() > 0 && System.nanoTime() - start < 60e9) Thread.sleep(5);
                assertEquals(1, scheduler.stats().cancelled(), "the sequence was cancelled, not run to its end");
                assertEquals(free, model.freeKvBlocks());
            }
        }
    }
}
