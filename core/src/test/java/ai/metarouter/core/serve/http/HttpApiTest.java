package ai.metarouter.core.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import ai.metarouter.core.serve.ServeTestKit;
import ai.metarouter.core.serve.ServeTestKit.Response;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API against its OpenAPI description, through a real server on a loopback ephemeral
 * port with bearer authentication on: every documented operation answers as documented, every
 * kind of bad input is a 400 with a message (and the description agrees it is bad), and the
 * transport-level refusals (401, 404, 405, 415, body size) are what they should be.
 */
class HttpApiTest {
    private static final String TOKEN = "test-token-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static RouterService service;
    private static HttpRouterServer server;
    private static OpenApiContract contract;
    private static String base;
    private static List<String> arms;

    @BeforeAll
    static void start() throws Exception {
        contract = OpenApiContract.load();
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        ServeConfig config = ServeTestKit.config(registry).authToken(TOKEN).logDir(tmp.resolve("logs")).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        service = RouterService.start(config, Clock.systemUTC(), quiet);
        server = HttpRouterServer.start(service, config, quiet);
        base = server.baseUrl();
        arms = service.version().armIds();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (service != null) service.close();
    }

    private static Response post(String path, String body) throws Exception {
        return ServeTestKit.post(base + path, body, "Authorization", "Bearer " + TOKEN);
    }

    private static Response get(String path) throws Exception {
        return ServeTestKit.get(base + path, "Authorization", "Bearer " + TOKEN);
    }

    private static void assertConforms(String path, String method, Response r) throws Exception {
        JsonNode body = r.body().isEmpty() ? null
                : r.header("Content-Type").startsWith("application/json") ? JSON.readTree(r.body()) : JSON.getNodeFactory().textNode(r.body());
        List<String> problems = contract.checkResponse(path, method, r.status(), r.header("Content-Type"), body);
        assertTrue(problems.isEmpty(), method + " " + path + " " + r.status() + " " + r.body() + ": " + problems);
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() throws Exception {
        String q = JSON.writeValueAsString("How many primes are below 100?");
        Response route = post("/v1/route", "{\"user_id\":\"alice\",\"query\":" + q + "}");
        assertEquals(200, route.status(), route.body());
        assertConforms("/v1/route", "POST", route);
        JsonNode decision = JSON.readTree(route.body());
        assertEquals(arms.size(), decision.get("scores").size());
        assertEquals(1, decision.get("artifact_version").intValue());

        String subset = JSON.writeValueAsString(List.of(arms.get(0), arms.get(3)));
        Response routeSubset = post("/v1/route", "{\"user_id\":\"alice\",\"query\":" + q + ",\"candidates\":" + subset + "}");
        assertConforms("/v1/route", "POST", routeSubset);
        assertTrue(List.of(arms.get(0), arms.get(3)).contains(JSON.readTree(routeSubset.body()).get("model").textValue()));

        String pairwise = "{\"user_id\":\"alice\",\"query\":" + q + ",\"a\":{\"model\":\"" + arms.get(0)
                + "\",\"quality\":0.9,\"cost_usd\":0.004},\"b\":{\"model\":\"" + arms.get(1)
                + "\",\"quality\":0.6,\"cost_usd\":0.0001},\"preferred\":\"b\"}";
        assertTrue(contract.checkRequest("/v1/feedback", "POST", JSON.readTree(pairwise)).isEmpty());
        Response fb = post("/v1/feedback", pairwise);
        assertEquals(204, fb.status(), fb.body());
        assertConforms("/v1/feedback", "POST", fb);
        String reward = "{\"user_id\":\"alice\",\"query\":" + q + ",\"model\":\"" + arms.get(2)
                + "\",\"quality\":1,\"cost_usd\":0,\"reward\":-0.25}";
        assertTrue(contract.checkRequest("/v1/feedback", "POST", JSON.readTree(reward)).isEmpty());
        assertEquals(204, post("/v1/feedback", reward).status());
        assertNotEquals(decision.get("scores"), JSON.readTree(post("/v1/route", "{\"user_id\":\"alice\",\"query\":" + q + "}").body())
                .get("scores"), "feedback changed alice's scores at once");

        Response models = get("/v1/models");
        assertEquals(200, models.status());
        assertConforms("/v1/models", "GET", models);
        assertEquals(arms.size(), JSON.readTree(models.body()).get("models").size());

        Response health = ServeTestKit.get(base + "/healthz");
        assertEquals(200, health.status(), "healthz needs no token");
        assertConforms("/healthz", "GET", health);

        Response metrics = get("/metrics");
        assertEquals(200, metrics.status());
        assertConforms("/metrics", "GET", metrics);

        for (String[] op : contract.operations()) {
            Response r = ServeTestKit.send(op[1].toUpperCase(java.util.Locale.ROOT), base + op[0], op[1].equals("post") ? "{}" : null,
                    "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
            assertNotEquals(404, r.status(), "documented " + op[1] + " " + op[0] + " is served");
            assertConforms(op[0], op[1].toUpperCase(java.util.Locale.ROOT), r);
        }
    }

    @Test
    void badInputIsA400WithAMessageNamingTheProblem() throws Exception {
        String a0 = arms.get(0);
        String a1 = arms.get(1);
        String outcomes = "\"a\":{\"model\":\"" + a0 + "\",\"quality\":0.9,\"cost_usd\":0.01},\"b\":{\"model\":\"" + a1
                + "\",\"quality\":0.5,\"cost_usd\":0.001}";
        Map<String, String> route = new LinkedHashMap<>();
        route.put("not json", "not valid JSON");
        route.put("[1,2]", "must be a JSON object");
        route.put("", "body is empty");
        route.put("{\"user_id\":\"u\",\"query\":\"q\",\"extra\":1}", "unknown field 'extra'");
        route.put("{\"query\":\"q\"}", "missing field 'user_id'");
        route.put("{\"user_id\":7,\"query\":\"q\"}", "user_id must be a string, got number");
        route.put("{\"user_id\":\"u\",\"query\":null}", "query must be a string, got null");
        route.put("{\"user_id\":\"\",\"query\":\"q\"}", "user_id must be a non-empty string");
        route.put("{\"user_id\":\"u\",\"query\":\"q\",\"candidates\":\"" + a0 + "\"}", "candidates must be an array");
        route.put("{\"user_id\":\"u\",\"query\":\"q\",\"candidates\":[1]}", "candidates must contain model ids");
        route.put("{\"user_id\":\"u\",\"query\":\"q\",\"candidates\":[]}", "candidates must not be empty");
        route.put("{\"user_id\":\"u\",\"query\":\"q\",\"candidates\":[\"" + a0 + "\",\"" + a0 + "\"]}", "appears twice");
        route.put("{\"user_id\":\"u\",\"query\":\"q\",\"candidates\":[\"gpt-17\"]}", "unknown model in candidates: 'gpt-17'");
        route.put("{\"user_id\":\"u\",\"user_id\":\"v\",\"query\":\"q\"}", "Duplicate field 'user_id'");
        route.put("{\"user_id\":\"u\",\"query\":\"q\"} {}", "not valid JSON");
        for (Map.Entry<String, String> e : route.entrySet()) assertBad("/v1/route", e.getKey(), e.getValue(), !e.getValue().contains("unknown model"));

        Map<String, String> feedback = new LinkedHashMap<>();
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"}", "either a pairwise comparison");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes + ",\"preferred\":\"a\",\"reward\":1}", "either a pairwise");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes + ",\"preferred\":\"c\"}", "preferred must be \\\"a\\\" or \\\"b\\\"");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes + "}", "missing field 'preferred'");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes.replace("0.9", "1.5") + ",\"preferred\":\"a\"}",
                "a.quality must be in [0, 1]");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes.replace("0.9", "\"0.9\"") + ",\"preferred\":\"a\"}",
                "a.quality must be a number, got string");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes.replace("0.001", "-0.001") + ",\"preferred\":\"a\"}",
                "b.cost_usd must be >= 0");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes.replace(",\"cost_usd\":0.01", "") + ",\"preferred\":\"a\"}",
                "missing field 'a.cost_usd'");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\"," + outcomes.replace("\"cost_usd\":0.01", "\"cost_usd\":0.01,\"tokens\":5")
                + ",\"preferred\":\"a\"}", "unknown field 'tokens' in outcome a");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\",\"model\":\"" + a0 + "\",\"quality\":0.5,\"cost_usd\":0.1}",
                "missing field 'reward'");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\",\"model\":\"" + a0 + "\",\"quality\":0.5,\"cost_usd\":0.1,\"reward\":true}",
                "reward must be a number, got boolean");
        feedback.put("{\"user_id\":\"u\",\"query\":\"q\",\"model\":\"llama-9\",\"quality\":0.5,\"cost_usd\":0.1,\"reward\":1}",
                "unknown model in model: 'llama-9'");
        for (Map.Entry<String, String> e : feedback.entrySet()) assertBad("/v1/feedback", e.getKey(), e.getValue(), !e.getValue().contains("unknown model"));
    }

    /** 400, an Error body containing {@code message}; and, for bodies that are JSON objects, the description agrees. */
    private static void assertBad(String path, String body, String message, boolean specAlsoRejects) throws Exception {
        Response r = post(path, body);
        assertEquals(400, r.status(), path + " " + body + " -> " + r.body());
        assertConforms(path, "POST", r);
        assertTrue(r.body().contains(message), path + " " + body + ": expected '" + message + "' in " + r.body());
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (Exception notJson) {
            return;
        }
        if (specAlsoRejects && parsed != null && parsed.isObject() && !body.contains("} {") && !body.contains("\"user_id\":\"u\",\"user_id\"")) {
            assertFalse(contract.checkRequest(path, "POST", parsed).isEmpty(), "openapi.yaml also rejects " + body);
        }
    }

    @Test
    void oversizedBodiesAreRefusedWhetherDeclaredOrChunked() throws Exception {
        String big = "{\"user_id\":\"u\",\"query\":\"" + "x".repeat(70_000) + "\"}";
        Response declared = post("/v1/route", big);
        assertEquals(400, declared.status());
        assertTrue(declared.body().contains("larger than 65536 bytes"), declared.body());
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(base + "/v1/route"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("larger than 65536 bytes"), r.body());
        assertEquals(200, post("/v1/route", "{\"user_id\":\"u\",\"query\":\"still serving\"}").status());
    }

    @Test
    void transportRefusals() throws Exception {
        Response noToken = ServeTestKit.post(base + "/v1/route", "{\"user_id\":\"u\",\"query\":\"q\"}");
        assertEquals(401, noToken.status());
        assertConforms("/v1/route", "POST", noToken);
        assertTrue(noToken.header("WWW-Authenticate").startsWith("Bearer"));
        assertEquals(401, ServeTestKit.post(base + "/v1/route", "{\"user_id\":\"u\",\"query\":\"q\"}",
                "Authorization", "Bearer wrong").status());
        assertEquals(401, ServeTestKit.get(base + "/metrics").status(), "metrics need the token too");
        assertEquals(401, ServeTestKit.get(base + "/v1/models", "Authorization", "Basic " + TOKEN).status());

        Response notFound = get("/v1/routes");
        assertEquals(404, notFound.status());
        assertTrue(JSON.readTree(notFound.body()).get("error").textValue().contains("no endpoint /v1/routes"));
        Response wrongMethod = get("/v1/route");
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.header("Allow"));
        Response text = ServeTestKit.post(base + "/v1/route", "user_id=u", "Authorization", "Bearer " + TOKEN,
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(415, text.status());
        assertConforms("/v1/route", "POST", text);
    }

    @Test
    void metricsCountRequestsLatenciesChoicesAndTheVersion() throws Exception {
        for (int i = 0; i < 3; i++) assertEquals(200, post("/v1/route", "{\"user_id\":\"m\",\"query\":\"metrics " + i + "\"}").status());
        post("/v1/route", "{}");
        String m = get("/metrics").body();
        assertTrue(m.contains("metarouter_http_requests_total{endpoint=\"route\",code=\"200\"}"), m);
        assertTrue(m.contains("metarouter_http_requests_total{endpoint=\"route\",code=\"400\"}"), m);
        assertTrue(m.contains("# TYPE metarouter_http_request_duration_seconds histogram"), m);
        assertTrue(m.contains("metarouter_http_request_duration_seconds_bucket{endpoint=\"route\",le=\"+Inf\"}"), m);
        assertTrue(m.contains("metarouter_route_chosen_total{model=\""), m);
        assertTrue(m.contains("metarouter_artifact_version 1\n"), m);
        assertTrue(m.contains("metarouter_users_in_memory "), m);
        assertTrue(m.contains("metarouter_artifact_reload_failures_total 0\n"), m);
        assertTrue(m.contains("metarouter_event_log_queue_depth "), m);
        long routes = service.metrics().requests("route", 200);
        assertTrue(routes >= 3, "counted " + routes);
    }
}
