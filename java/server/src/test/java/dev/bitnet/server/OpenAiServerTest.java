package dev.bitnet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitnet.api.BitNet;
import dev.bitnet.api.BitNetModel;
import dev.bitnet.api.GenerationParams;
import dev.bitnet.api.GenerationResult;
import dev.bitnet.api.LoadOptions;
import dev.bitnet.api.Session;
import dev.bitnet.api.TokenListener;
import dev.bitnet.gguf.GgmlType;
import dev.bitnet.scheduler.Scheduler;
import dev.bitnet.testmodel.TestModelGenerator;
import dev.bitnet.testmodel.TestModelSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/** The OpenAI API end to end over HTTP, on a tiny generated model, checked against sessions run alone. */
class OpenAiServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CTX = 128;
    private static final int BODY_LIMIT = 4096;

    @TempDir
    static Path dir;
    static BitNetModel model;
    static OpenAiServer server;
    static Scheduler scheduler;
    static HttpClient client;
    static String base;

    @BeforeAll
    static void start() {
        Path file = dir.resolve("tiny.gguf");
        TestModelGenerator.write(TestModelSpec.tiny(GgmlType.I2_S).withSeed(11), file);
        model = BitNet.load(file, LoadOptions.defaults().withBackend("reference").withContextLength(CTX)
                .withPrefillChunk(8).withMaxSequences(3));
        scheduler = new Scheduler(model);
        server = OpenAiServer.start(scheduler, new ServerConfig("127.0.0.1", 0, "tiny", BODY_LIMIT));
        client = HttpClient.newHttpClient();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static GenerationResult alone(String prompt, int maxTokens) {
        try (Session s = model.newSession()) {
            return s.generate(prompt, GenerationParams.greedy(maxTokens), TokenListener.NONE);
        }
    }

    /** The text of a stream's events, checked for OpenAI's shape: data lines, a finish_reason last, then [DONE]. */
    private static StreamedReply parseStream(String body, boolean chat) throws IOException {
        StringBuilder text = new StringBuilder();
        List<JsonNode> events = new ArrayList<>();
        boolean done = false;
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith(":")) continue;
            assertTrue(line.startsWith("data: "), line);
            assertFalse(done, "an event after [DONE]");
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode e = JSON.readTree(data);
            events.add(e);
            if (e.get("choices").isEmpty()) continue; // the usage event
            JsonNode choice = e.get("choices").get(0);
            JsonNode piece = chat ? choice.get("delta").get("content") : choice.get("text");
            if (piece != null) text.append(piece.asText());
        }
        assertTrue(done, "the stream ends with [DONE]");
        return new StreamedReply(text.toString(), events);
    }

    record StreamedReply(String text, List<JsonNode> events) {
    }

    @Test
    void modelsAndHealth() throws Exception {
        JsonNode models = JSON.readTree(get("/v1/models").body());
        assertEquals("tiny", models.get("data").get(0).get("id").asText());
        assertEquals(CTX, models.get("data").get(0).get("max_model_len").asInt());
        assertEquals(models.get("data").get(0), JSON.readTree(get("/v1/models/tiny").body()));
        assertError(get("/v1/models/gpt-4"), 404, null, "this server serves 'tiny'");
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
    }

    @Test
    void metricsCountWhatWasServed() throws Exception {
        long generated = metric("bitnet_generation_tokens_total"), steps = metric("bitnet_steps_total");
        long length = metric("bitnet_requests_finished_total{reason=\"max_tokens\"}");
        JsonNode r = JSON.readTree(post("/v1/completions", "{\"prompt\":\"count me\",\"max_tokens\":7,\"temperature\":0}").body());
        int tokens = r.get("usage").get("completion_tokens").asInt();
        assertEquals(generated + tokens, metric("bitnet_generation_tokens_total"));
        assertTrue(metric("bitnet_steps_total") >= steps + tokens, "a step for each token at least");
        if (tokens == 7) assertEquals(length + 1, metric("bitnet_requests_finished_total{reason=\"max_tokens\"}"));
        assertEquals(model.totalKvBlocks(), metric("bitnet_kv_blocks_total"));
        assertTrue(get("/metrics").headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    }

    /** One sample of /metrics, by its name and labels. */
    private static long metric(String series) throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) return Long.parseLong(line.substring(series.length() + 1));
        }
        throw new AssertionError("no " + series + " in /metrics");
    }

    @Test
    void aCompletionIsWhatASessionGenerates() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hello world\",\"max_tokens\":12,\"temperature\":0}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        GenerationResult expected = alone("hello world", 12);
        assertEquals("text_completion", body.get("object").asText());
        assertEquals(expected.text(), body.get("choices").get(0).get("text").asText());
        assertEquals(expected.promptIds().length, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(expected.ids().length, body.get("usage").get("completion_tokens").asInt());
        String reason = expected.ids().length == 12 ? "length" : "stop";
        assertEquals(reason, body.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void aStreamCarriesTheSameTextAsTheWholeResponse() throws Exception {
        String request = "{\"prompt\":\"the cat\",\"max_tokens\":20,\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        HttpResponse<String> r = post("/v1/completions", request);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StreamedReply reply = parseStream(r.body(), false);
        GenerationResult expected = alone("the cat", 20);
        assertEquals(expected.text(), reply.text());
        JsonNode usage = reply.events().getLast().get("usage");
        assertEquals(expected.ids().length, usage.get("completion_tokens").asInt());
        JsonNode last = reply.events().get(reply.events().size() - 2).get("choices").get(0);
        assertFalse(last.get("finish_reason").isNull(), "the last chunk has a finish_reason");
    }

    @Test
    void chatUsesBitNetsChatFormat() throws Exception {
        String request = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}],\"max_tokens\":10,\"temperature\":0}";
        JsonNode body = JSON.readTree(post("/v1/chat/completions", request).body());
        GenerationResult expected;
        try (Session s = model.newSession()) {
            expected = s.chat("hi there", GenerationParams.greedy(10), TokenListener.NONE);
        }
        assertEquals("chat.completion", body.get("object").asText());
        JsonNode message = body.get("choices").get(0).get("message");
        assertEquals("assistant", message.get("role").asText());
        assertEquals(expected.text(), message.get("content").asText());
        assertEquals(expected.promptIds().length, body.get("usage").get("prompt_tokens").asInt());

        HttpResponse<String> streamed = post("/chat/completions", request.replace("}],", "}],\"stream\":true,"));
        StreamedReply reply = parseStream(streamed.body(), true);
        assertEquals(expected.text(), reply.text());
        assertEquals("assistant", reply.events().getFirst().get("choices").get(0).get("delta").get("role").asText());
    }

    @Test
    void theNextChatTurnReusesTheConversationsKv() throws Exception {
        String system = "{\"role\":\"system\",\"content\":\"" + "you are a tiny model that talks a lot" + "\"}";
        String first = "{\"messages\":[" + system + ",{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":3,\"temperature\":0}";
        JsonNode reply = JSON.readTree(post("/v1/chat/completions", first).body());
        String answer = reply.get("choices").get(0).get("message").get("content").asText();
        long cachedBefore = JSON.readTree(get("/health").body()).get("cached_prompt_tokens").asLong();
        String second = "{\"messages\":[" + system + ",{\"role\":\"user\",\"content\":\"hello\"},{\"role\":\"assistant\",\"content\":"
                + JSON.writeValueAsString(answer) + "},{\"role\":\"user\",\"content\":\"and then?\"}],\"max_tokens\":8,\"temperature\":0}";
        HttpResponse<String> nextResponse = post("/v1/chat/completions", second);
        assertEquals(200, nextResponse.statusCode(), nextResponse.body());
        JsonNode next = JSON.readTree(nextResponse.body());
        long cached = JSON.readTree(get("/health").body()).get("cached_prompt_tokens").asLong() - cachedBefore;
        int firstPrompt = reply.get("usage").get("prompt_tokens").asInt();
        assertTrue(cached >= firstPrompt / 16 * 16 - 16 && cached > 0, "cached " + cached + " of the first turn's " + firstPrompt);
        // and the reply is what the whole conversation gives when computed from scratch
        String prompt = ChatPrompt.render(JSON.readTree(second).get("messages"));
        try (Session s = model.newSession()) {
            assertEquals(s.generate(prompt, GenerationParams.greedy(8), TokenListener.NONE).text(),
                    next.get("choices").get(0).get("message").get("content").asText());
        }
    }

    @Test
    void severalPromptsAndSeveralChoicesEachGetWhatTheyGetAlone() throws Exception {
        JsonNode batch = JSON.readTree(post("/v1/completions", "{\"prompt\":[\"hello\",[5,6,7],\"the cat\"],\"max_tokens\":9,\"temperature\":0}").body());
        JsonNode choices = batch.get("choices");
        assertEquals(3, choices.size());
        assertEquals(alone("hello", 9).text(), choices.get(0).get("text").asText());
        try (Session s = model.newSession()) {
            assertEquals(s.generate(new int[]{5, 6, 7}, GenerationParams.greedy(9), TokenListener.NONE).text(), choices.get(1).get("text").asText());
        }
        assertEquals(alone("the cat", 9).text(), choices.get(2).get("text").asText());
        assertEquals(2, choices.get(2).get("index").asInt());

        // n choices of one prompt: choice j samples with seed + j
        String request = "{\"prompt\":\"once\",\"max_tokens\":12,\"temperature\":1.5,\"seed\":40,\"n\":3}";
        JsonNode sampled = JSON.readTree(post("/v1/completions", request).body()).get("choices");
        StreamedReply streamed = parseStream(post("/v1/completions", request.replace("}", ",\"stream\":true}")).body(), false);
        StringBuilder[] perChoice = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        for (JsonNode e : streamed.events()) {
            JsonNode c = e.get("choices").get(0);
            perChoice[c.get("index").asInt()].append(c.get("text").asText());
        }
        for (int j = 0; j < 3; j++) {
            String expected;
            try (Session s = model.newSession()) {
                var params = new GenerationParams(12, new dev.bitnet.sampling.SamplingParams(1.5f, 0, 1f, 0f, 1f, 64, 40 + j), List.of());
                expected = s.generate("once", params, TokenListener.NONE).text();
            }
            assertEquals(expected, sampled.get(j).get("text").asText(), "choice " + j);
            assertEquals(expected, perChoice[j].toString(), "streamed choice " + j);
        }
        assertNotEquals(sampled.get(0).get("text"), sampled.get(1).get("text"), "two seeds, two samples");
    }

    @Test
    void logprobsInOpenAisTwoShapes() throws Exception {
        GenerationResult expected;
        try (Session s = model.newSession()) {
            expected = s.generate("the dog", new GenerationParams(5, dev.bitnet.sampling.SamplingParams.greedy(), List.of(), 2), TokenListener.NONE);
        }
        String request = "{\"prompt\":\"the dog\",\"max_tokens\":5,\"temperature\":0,\"logprobs\":2}";
        JsonNode lp = JSON.readTree(post("/v1/completions", request).body()).get("choices").get(0).get("logprobs");
        assertEquals(expected.ids().length, lp.get("tokens").size());
        int offset = 0;
        for (int k = 0; k < expected.ids().length; k++) {
            var want = expected.logprobs().get(k);
            assertEquals(model.tokenizer().piece(want.id()), lp.get("tokens").get(k).asText());
            assertEquals(want.logprob(), (float) lp.get("token_logprobs").get(k).asDouble());
            assertEquals(offset, lp.get("text_offset").get(k).asInt());
            offset += lp.get("tokens").get(k).asText().length();
            JsonNode top = lp.get("top_logprobs").get(k);
            assertEquals(want.topLogprobs()[0], (float) top.get(model.tokenizer().piece(want.topIds()[0])).asDouble());
        }
        // the stream's events carry the same tokens
        StreamedReply streamed = parseStream(post("/v1/completions", request.replace("}", ",\"stream\":true}")).body(), false);
        List<String> tokens = new ArrayList<>();
        for (JsonNode e : streamed.events()) {
            JsonNode l = e.get("choices").get(0).get("logprobs");
            if (l != null && !l.isNull()) l.get("tokens").forEach(t -> tokens.add(t.asText()));
        }
        List<String> whole = new ArrayList<>();
        lp.get("tokens").forEach(t -> whole.add(t.asText()));
        assertEquals(whole, tokens);

        // chat: logprobs true, top_logprobs 3
        JsonNode chat = JSON.readTree(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":4,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":3}").body()).get("choices").get(0);
        JsonNode content = chat.get("logprobs").get("content");
        assertTrue(content.size() > 0);
        for (JsonNode entry : content) {
            assertEquals(3, entry.get("top_logprobs").size());
            assertEquals(entry.get("token"), entry.get("top_logprobs").get(0).get("token"), "greedy: the most likely");
            assertTrue(entry.get("logprob").asDouble() <= 0);
            assertTrue(entry.get("bytes").isArray());
        }
        assertTrue(JSON.readTree(post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":2}").body())
                .get("choices").get(0).get("logprobs").isNull(), "not asked: null");
    }

    @Test
    void echoWithLogprobsScoresEveryPromptToken() throws Exception {
        String prompt = "the cat sat on the mat";
        JsonNode choice = JSON.readTree(post("/v1/completions", "{\"prompt\":" + JSON.writeValueAsString(prompt)
                + ",\"max_tokens\":0,\"echo\":true,\"logprobs\":1,\"temperature\":0}").body()).get("choices").get(0);
        assertEquals(prompt, choice.get("text").asText());
        int[] ids = model.tokenizer().encode(prompt, true);
        JsonNode lp = choice.get("logprobs");
        assertEquals(ids.length, lp.get("tokens").size());
        assertTrue(lp.get("token_logprobs").get(0).isNull(), "the first token has no context");
        // independently: steps over the prompt (at most the model's step size each) with every row's logits
        double[] expected = dev.bitnet.testing.PromptLogprobs.expected(model, ids, 8);
        for (int i = 1; i < ids.length; i++) {
            assertEquals(expected[i - 1], lp.get("token_logprobs").get(i).asDouble(), 1e-4, "prompt token " + i);
            assertEquals(model.tokenizer().piece(ids[i]), lp.get("tokens").get(i).asText());
        }
        // echo without logprobs: the prompt, then what a session generates after it; in a stream, the prompt first
        String request = "{\"prompt\":" + JSON.writeValueAsString(prompt) + ",\"max_tokens\":4,\"echo\":true,\"temperature\":0}";
        String continued = alone(prompt, 4).text();
        assertEquals(prompt + continued, JSON.readTree(post("/v1/completions", request).body()).get("choices").get(0).get("text").asText());
        StreamedReply streamed = parseStream(post("/v1/completions", request.replace("}", ",\"stream\":true}")).body(), false);
        assertEquals(prompt + continued, streamed.text());
        assertEquals(prompt, streamed.events().getFirst().get("choices").get(0).get("text").asText());
    }

    @Test
    void concurrentRequestsEachGetWhatTheyGetAlone() throws Exception {
        String[] prompts = {"a b c", "hello", "the cat sat on the mat and then", "x", "one two three four five", "zz top"};
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (String p : prompts) {
            String body = "{\"prompt\":" + JSON.writeValueAsString(p) + ",\"max_tokens\":15,\"temperature\":0"
                    + (p.length() % 2 == 0 ? ",\"stream\":true" : "") + "}";
            replies.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < prompts.length; i++) {
            HttpResponse<String> r = replies.get(i).join();
            assertEquals(200, r.statusCode(), r.body());
            String text = prompts[i].length() % 2 == 0 ? parseStream(r.body(), false).text()
                    : JSON.readTree(r.body()).get("choices").get(0).get("text").asText();
            assertEquals(alone(prompts[i], 15).text(), text, prompts[i]);
        }
    }

    @Test
    void badRequestsGetOpenAiErrorsAndTheServerGoesOn() throws Exception {
        assertError(post("/v1/completions", "{\"prompt\": \"hi\", "), 400, null, "not valid JSON");
        assertError(post("/v1/completions", "[1, 2]"), 400, null, "JSON object");
        assertError(post("/v1/completions", "{\"max_tokens\": 3}"), 400, "prompt", "'prompt'");
        assertError(post("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": \"many\"}"), 400, "max_tokens", "integer");
        assertError(post("/v1/completions", "{\"prompt\": \"hi\", \"temperature\": 7}"), 400, "temperature", "[0.0, 2.0]");
        assertError(post("/v1/completions", "{\"prompt\": \"hi\", \"n\": 0}"), 400, "n", "integer >= 1");
        assertError(post("/v1/completions", "{\"prompt\": [\"a\", \"b\"], \"n\": 65}"), 400, "n", "at most 128 choices");
        assertError(post("/v1/completions", "{\"prompt\": [\"a\", 7]}"), 400, "prompt", "prompt[1] is number");
        assertError(post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"echo\": true}"),
                400, "echo", "not supported");
        assertError(post("/v1/completions", "{\"prompt\": \"hi\", \"echo\": true, \"logprobs\": 1, \"stream\": true}"),
                400, "echo", "without 'stream' only");
        assertError(post("/v1/completions", "{\"prompt\": \"hi\", \"logprobs\": 21}"), 400, "logprobs", "at most 20");
        assertError(post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_logprobs\": 2}"),
                400, "top_logprobs", "needs \"logprobs\": true");
        assertError(post("/v1/completions", "{\"prompt\": [1, 2, 99999]}"), 400, "prompt", "99999");
        StringBuilder ids = new StringBuilder("[1");
        for (int i = 0; i < CTX; i++) ids.append(",5");
        assertError(post("/v1/completions", "{\"prompt\": " + ids + "]}"), 400, "prompt", "the context holds " + CTX);
        assertError(post("/v1/chat/completions", "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}"), 400,
                "messages[0].role", "must be one of");
        assertError(post("/v1/chat/completions", "{\"messages\": []}"), 400, "messages", "non-empty");
        assertError(post("/v1/completions", "{\"prompt\": \"" + "a".repeat(BODY_LIMIT) + "\"}"), 413, null, "larger than");
        assertError(get("/v1/completions"), 405, null, "use POST");
        assertError(get("/v2/everything"), 404, null, "no such endpoint");
        // and the server still answers
        assertEquals(200, post("/v1/completions", "{\"prompt\":\"hi\",\"max_tokens\":2}").statusCode());
        assertEquals(0, scheduler.runningCount());
    }

    @Test
    void aStormOfGoodBadAndAbandonedRequestsLeavesNothingBehind() throws Exception {
        int free = model.freeKvBlocks();
        List<CompletableFuture<HttpResponse<String>>> good = new ArrayList<>(), bad = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        List<Thread> hangUps = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            switch (i % 3) {
                case 0 -> {
                    String p = "request " + i + " says " + "la ".repeat(i % 7);
                    prompts.add(p);
                    good.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/completions")).POST(
                            HttpRequest.BodyPublishers.ofString("{\"prompt\":" + JSON.writeValueAsString(p)
                                    + ",\"max_tokens\":" + (4 + i % 9) + ",\"temperature\":0}")).build(), HttpResponse.BodyHandlers.ofString()));
                }
                case 1 -> bad.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/completions")).POST(
                        HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"top_p\":" + (i % 2 == 0 ? "2" : "\"high\"") + "}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
                default -> hangUps.add(Thread.ofVirtual().start(() -> hangUpAfterFirstEvent("{\"prompt\":\"go on and on\",\"max_tokens\":100,\"stream\":true}")));
            }
        }
        for (int i = 0; i < good.size(); i++) {
            HttpResponse<String> r = good.get(i).join();
            assertEquals(200, r.statusCode(), r.body());
            int max = 4 + (3 * i) % 9;
            assertEquals(alone(prompts.get(i), max).text(), JSON.readTree(r.body()).get("choices").get(0).get("text").asText());
        }
        for (var r : bad) assertError(r.join(), 400, "top_p", "'top_p'");
        for (Thread t : hangUps) t.join();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((scheduler.runningCount() > 0 || scheduler.waitingCount() > 0) && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(0, scheduler.runningCount());
        assertEquals(free, model.freeKvBlocks(), "every KV block back");
    }

    /** A raw HTTP client that reads the first event of a stream and hangs up. */
    private static void hangUpAfterFirstEvent(String body) {
        try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] b = new byte[512];
            String seen = "";
            while (!seen.contains("data: ")) {
                int n = socket.getInputStream().read(b);
                if (n < 0) break;
                seen += new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anApiKeyGuardsEverythingButHealthAndBrowsersMayCall() throws Exception {
        try (BitNetModel own = BitNet.load(dir.resolve("tiny.gguf"), LoadOptions.defaults().withBackend("reference").withContextLength(CTX));
             OpenAiServer guarded = OpenAiServer.start(new Scheduler(own), new ServerConfig("127.0.0.1", 0, "tiny", BODY_LIMIT, "s3cret"))) {
            String at = "http://127.0.0.1:" + guarded.port();
            String body = "{\"prompt\":\"hi\",\"max_tokens\":2}";
            HttpRequest.Builder completion = HttpRequest.newBuilder(URI.create(at + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(body));
            assertError(client.send(completion.build(), HttpResponse.BodyHandlers.ofString()), 401, null, "needs an API key");
            assertError(client.send(completion.copy().header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString()),
                    401, null, "invalid API key");
            assertError(client.send(HttpRequest.newBuilder(URI.create(at + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString()), 401, null, "API key");
            HttpResponse<String> ok = client.send(completion.copy().header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("*", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(at + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(URI.create(at + "/v1/chat/completions"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, preflight.statusCode());
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        }
    }

    private static void assertError(HttpResponse<String> r, int status, String param, String inMessage) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertNotNull(error, r.body());
        assertTrue(error.get("message").asText().contains(inMessage), error.get("message").asText());
        if (param != null) assertEquals(param, error.get("param").asText());
    }
}
