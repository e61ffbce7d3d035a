package ai.metarouter.core.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import ai.metarouter.core.serve.ServeTestKit;
import ai.metarouter.core.serve.bench.LoadGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a bounded loopback load of route requests, LATEST moves to a new verified version and then
 * to a corrupt one: not a single request fails, responses switch from v1 to v2 and never show v3,
 * and health and metrics report the refusal.
 */
class ReloadUnderLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aReloadAndARefusedCorruptVersionFailNoRequest() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        ServeTestKit.model(ServeTestKit.SEED + 1);
        ServeTestKit.model(ServeTestKit.SEED + 2);
        ServeConfig config = ServeTestKit.config(registry).logDir(tmp.resolve("logs")).stateDir(tmp.resolve("state")).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        List<byte[]> bodies = new ArrayList<>();
        List<String> queries = ServeTestKit.testQueries(50);
        for (int i = 0; i < 200; i++) {
            bodies.add(JSON.createObjectNode().put("user_id", "user-" + i).put("query", queries.get(i % queries.size())).toString()
                    .getBytes(StandardCharsets.UTF_8));
        }
        Set<Integer> versionsSeen = ConcurrentHashMap.newKeySet();
        try (RouterService service = RouterService.start(config, Clock.systemUTC(), quiet);
             HttpRouterServer server = HttpRouterServer.start(service, config, quiet)) {
            LoadGenerator.Config load = new LoadGenerator.Config("127.0.0.1", server.port(), 6, Duration.ZERO, Duration.ofSeconds(4),
                    400_000, "POST", "/v1/route", bodies, null, (status, body) -> {
                        try {
                            JsonNode d = JSON.readTree(body);
                            versionsSeen.add(d.get("artifact_version").intValue());
                            return d.get("model").isTextual() && d.get("propensity").doubleValue() > 0;
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
            CompletableFuture<LoadGenerator.Report> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return LoadGenerator.run(load);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(700);
            int v2 = ServeTestKit.publish(registry, ServeTestKit.SEED + 1);
            ServeTestKit.promote(registry, v2);
            waitFor(() -> service.version().version() == v2, "v2 swapped in");
            Thread.sleep(700);
            int v3 = ServeTestKit.publish(registry, ServeTestKit.SEED + 2);
            ServeTestKit.corruptWeights(registry, v3);
            ServeTestKit.pointLatestAt(registry, v3);
            waitFor(() -> service.reloadStatus().refusing(), "v3 refused");
            LoadGenerator.Report report = running.get(30, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "under load: %d requests, %d failed, %.0f req/s, p50 %.2f ms, p99 %.2f ms; versions %s%n",
                    report.requests(), report.failed(), report.requestsPerSecond(), report.p50Millis(), report.p99Millis(), versionsSeen);
            assertEquals(0, report.failed(), "failed requests: " + report.byStatus() + " first: " + report.firstFailure());
            assertTrue(report.requests() > 500, "the load ran: " + report.requests());
            assertEquals(Set.of(1, v2), versionsSeen, "v1 then v2, never the corrupt v3");
            assertEquals(v2, service.version().version());

            ServeTestKit.Response health = ServeTestKit.get(server.baseUrl() + "/healthz");
            assertEquals(200, health.status(), "still serving a verified version");
            JsonNode h = JSON.readTree(health.body());
            assertEquals(v3, h.get("reload").get("refused_version").intValue(), health.body());
            assertTrue(h.get("reload").get("refused_reason").textValue().contains("weights.mrt"), health.body());
            String metrics = ServeTestKit.get(server.baseUrl() + "/metrics").body();
            assertTrue(metrics.contains("metarouter_artifact_version " + v2 + "\n"), metrics);
            assertTrue(metrics.contains("metarouter_artifact_refused_version " + v3 + "\n"), metrics);
            assertFalse(metrics.contains("metarouter_artifact_reload_failures_total 0\n"), metrics);
            assertTrue(metrics.contains("metarouter_artifact_reloads_total 1\n"), metrics);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(10);
        }
    }
}
