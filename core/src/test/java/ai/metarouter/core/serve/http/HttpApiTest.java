package ai.metarouter.core.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.serve.ElicitRequest;
import ai.metarouter.core.serve.ElicitResult;
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
import java.util.Set;
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
    void elicitAsksWhatTheServiceChoosesAsDocumented() throws Exception {
        List<String> queries = ServeTestKit.testQueries(4);
        String body = "{\"user_id\":\"erin\",\"queries\":" + JSON.writeValueAsString(queries) + "}";
        assertTrue(contract.checkRequest("/v1/elicit", "POST", JSON.readTree(body)).isEmpty());
        Response r = post("/v1/elicit", body);
        assertEquals(200, r.status(), r.body());
        assertConforms("/v1/elicit", "POST", r);
        JsonNode question = JSON.readTree(r.body());
        ElicitResult expected = service.elicit(new ElicitRequest("erin", queries, null, null, null));
        assertEquals(expected.queryIndex(), question.get("query_index").intValue());
        assertEquals(expected.query(), question.get("query").textValue());
        assertEquals(expected.modelA(), question.get("model_a").textValue());
        assertEquals(expected.modelB(), question.get("model_b").textValue());
        assertEquals(expected.expectedInformationBits(), question.get("expected_information_bits").doubleValue());
        assertEquals(expected.predictedA().quality(), question.at("/predicted/model_a/quality").doubleValue());
        assertEquals(expected.predictedB().costUsd(), question.at("/predicted/model_b/cost_usd").doubleValue());
        assertEquals(0, question.get("feedback_count").intValue());
        assertEquals(1, question.get("artifact_version").intValue());
        assertEquals(r.body(), post("/v1/elicit", body).body(), "the same state and request give the same answer");

        // The application shows both answers and posts the user's choice; the next question knows it.
        String a = question.get("model_a").textValue();
        String b = question.get("model_b").textValue();
        String pairwise = "{\"user_id\":\"erin\",\"query\":" + JSON.writeValueAsString(question.get("query").textValue())
                + ",\"a\":{\"model\":\"" + a + "\",\"quality\":0.8,\"cost_usd\":0.002},\"b\":{\"model\":\"" + b
                + "\",\"quality\":0.7,\"cost_usd\":0.0002},\"preferred\":\"b\"}";
        assertEquals(204, post("/v1/feedback", pairwise).status());
        String next = "{\"user_id\":\"erin\",\"queries\":" + JSON.writeValueAsString(queries) + ",\"candidates\":"
                + JSON.writeValueAsString(arms) + ",\"quality_outcomes\":\"graded\",\"exclude\":[{\"query_index\":"
                + question.get("query_index").intValue() + ",\"model_a\":\"" + b + "\",\"model_b\":\"" + a + "\"}]}";
        assertTrue(contract.checkRequest("/v1/elicit", "POST", JSON.readTree(next)).isEmpty(), "every optional field documented");
        Response after = post("/v1/elicit", next);
        assertEquals(200, after.status(), after.body());
        assertConforms("/v1/elicit", "POST", after);
        JsonNode second = JSON.readTree(after.body());
        assertEquals(1, second.get("feedback_count").intValue());
        assertNotEquals(List.of(question.get("query_index"), question.get("model_a"), question.get("model_b")),
                List.of(second.get("query_index"), second.get("model_a"), second.get("model_b")), "an excluded comparison is not asked again");
    }

    @Test
    void elicitBadInputIsA400WithAMessageNamingTheProblem() throws Exception {
        String a0 = arms.get(0);
        String a1 = arms.get(1);
        String asked = "{\"query_index\":0,\"model_a\":\"" + a0 + "\",\"model_b\":\"" + a1 + "\"}";
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= ElicitRequest.MAX_QUERIES; i++) many.append(i == 0 ? "" : ",").append("\"query ").append(i).append('"');
        many.append(']');
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"user_id\":\"u\"}", "missing field 'queries'");
        bad.put("{\"queries\":[\"q\"]}", "missing field 'user_id'");
        bad.put("{\"user_id\":\"\",\"queries\":[\"q\"]}", "user_id must be a non-empty string");
        bad.put("{\"user_id\":\"u\",\"queries\":\"q\"}", "queries must be an array of query texts, got string");
        bad.put("{\"user_id\":\"u\",\"queries\":[]}", "queries must be a non-empty array");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\",null]}", "queries[1] must be a string, got null");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\",\"r\",\"q\"]}", "queries[2] repeats queries[0]");
        bad.put("{\"user_id\":\"u\",\"queries\":" + many + "}", "queries has 65 entries, at most 64");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"" + "x".repeat(33_000) + "\"]}", "queries[0] is longer than 32768 characters");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"query\":\"q\"}", "unknown field 'query' in an elicit request");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"candidates\":\"" + a0 + "\"}", "candidates must be an array");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"candidates\":[\"" + a0 + "\"]}", "candidates must name at least 2 models");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"candidates\":[\"" + a0 + "\",\"" + a0 + "\"]}", "appears twice");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"candidates\":[\"" + a0 + "\",\"gpt-17\"]}",
                "unknown model in candidates: 'gpt-17'");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"quality_outcomes\":\"binary\"}", "quality_outcomes must be");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"quality_outcomes\":1}", "quality_outcomes must be a string, got number");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":{}}", "exclude must be an array");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked + ",7]}", "exclude[1] must be an object");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked.replace(",\"model_b\":\"" + a1 + "\"", "") + "]}",
                "missing field 'exclude[0].model_b'");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked.replace("0,", "\"0\",") + "]}",
                "exclude[0].query_index must be an integer, got string");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked.replace("0,", "-1,") + "]}",
                "exclude[0].query_index must be in [0, 0], got -1");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked.replace("0,", "3,") + "]}",
                "exclude[0].query_index must be in [0, 0], got 3");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked.replace("}", ",\"note\":1}") + "]}",
                "unknown field 'note' in exclude[0]");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"exclude\":[" + asked.replace(a1, "llama-9") + "]}",
                "unknown model in exclude[0].model_b: 'llama-9'");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"candidates\":[\"" + a0 + "\",\"" + a1 + "\"],\"exclude\":[" + asked + "]}",
                "exclude covers every comparison");
        bad.put("{\"user_id\":\"u\",\"queries\":[\"q\"],\"queries\":[\"r\"]}", "Duplicate field 'queries'");
        Set<String> specCannotTell = Set.of("unknown model", "exclude covers every comparison", "got 3");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            boolean specRejects = specCannotTell.stream().noneMatch(e.getValue()::contains) && !e.getValue().startsWith("Duplicate");
            assertBad("/v1/elicit", e.getKey(), e.getValue(), specRejects);
        }
        Response text = ServeTestKit.post(base + "/v1/elicit", "user_id=u", "Authorization", "Bearer " + TOKEN,
                "Content-Type", "text/plain");
        assertEquals(415, text.status());
        assertConforms("/v1/elicit", "POST", text);
        Response noToken = ServeTestKit.post(base + "/v1/elicit", "{\"user_id\":\"u\",\"queries\":[\"q\"]}");
        assertEquals(401, noToken.status());
        assertConforms("/v1/elicit", "POST", noToken);
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
        long elicited = service.metrics().requests("elicit", 200);
        assertEquals(200, post("/v1/elicit", "{\"user_id\":\"m\",\"queries\":[\"metrics\"]}").status());
        // The handler counts a request before writing its response: once the client has it, it is counted.
        assertEquals(elicited + 1, service.metrics().requests("elicit", 200), "elicit requests are counted under their own label");
        assertTrue(get("/metrics").body().contains("metarouter_http_requests_total{endpoint=\"elicit\",code=\"200\"}"));
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
