package dev.bitnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bitnet serve} in-process on the default backend: concurrent requests get what {@code generate} gives. */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(9), model);
    }

    @Test
    void servesConcurrentRequestsAsGenerateRunsThemAlone() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] code = {-1};
        Thread serving = Thread.ofPlatform().start(() -> code[0] = Main.run(new String[]{"serve", "-m", model.toString(),
                        "--port", "0", "-np", "2", "-ub", "8", "-c", "256", "-t", "2", "--alias", "tiny"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        int port = awaitPort(err, serving);
        HttpClient client = HttpClient.newHttpClient();
        String[] prompts = {"510,5,6,7", "1,2,3,4,5,6,7,8,9,10,11,12", "40,41", "300,301,302,303,304"};
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (String p : prompts) {
            String body = "{\"model\":\"tiny\",\"prompt\":[" + p + "],\"max_tokens\":10,\"temperature\":0}";
            replies.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < prompts.length; i++) {
            HttpResponse<String> r = replies.get(i).join();
            assertEquals(200, r.statusCode(), r.body());
            JsonNode reply = JSON.readTree(r.body());
            assertEquals("tiny", reply.get("model").asText());
            CliTest.Run alone = CliTest.run("generate", "-m", model.toString(), "--prompt-ids", prompts[i], "-n", "10",
                    "--temperature", "0", "--json", "-t", "2");
            assertEquals(JSON.readTree(alone.out()).get("text").asText(), reply.get("choices").get(0).get("text").asText(), prompts[i]);
        }
        serving.interrupt();
        serving.join(30_000);
        assertEquals(0, code[0], err.toString(StandardCharsets.UTF_8));
        assertThrows(ConnectException.class, () -> client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void badOptionsAreOneLineErrors() {
        CliTest.Run port = CliTest.run("serve", "-m", model.toString(), "--port", "70000");
        assertEquals(Main.EXIT_USER_ERROR, port.code());
        assertTrue(port.err().startsWith("error: --port must be in 0..65535"), port.err());
        CliTest.Run parallel = CliTest.run("serve", "-m", model.toString(), "-np", "0");
        assertEquals(Main.EXIT_USER_ERROR, parallel.code());
        assertTrue(parallel.err().contains("--parallel must be in 1..256"), parallel.err());
    }

    /** The port from the "listening on http://host:port" line. */
    private static int awaitPort(ByteArrayOutputStream err, Thread serving) throws InterruptedException, IOException {
        Pattern listening = Pattern.compile("listening on http://[^:]+:(\\d+)");
        for (int i = 0; i < 6000; i++) {
            Matcher m = listening.matcher(err.toString(StandardCharsets.UTF_8));
            if (m.find()) return Integer.parseInt(m.group(1));
            if (!serving.isAlive()) fail("serve ended: " + err.toString(StandardCharsets.UTF_8));
            Thread.sleep(10);
        }
        throw new IOException("serve did not start: " + err.toString(StandardCharsets.UTF_8));
    }
}
