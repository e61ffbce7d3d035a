package ai.metarouter.core.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import ai.metarouter.core.serve.ServeTestKit;
import ai.metarouter.core.serve.ServeTestKit.Response;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end check, through HTTP on loopback: two users start from the same prior; one
 * gives 6 comparisons that say "cost matters" (true utility q - 5 cs), the other 6 that say
 * "quality matters" (q - 0.01 cs), drawn from real outcomes of the synthetic benchmark. On the same
 * held-out queries the first is then routed to clearly cheaper models than the second. After a
 * restart on the same {@code --state-dir} both are routed exactly as before.
 */
class PreferenceEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUERIES = 30;

    @TempDir
    Path tmp;

    /** What one user got on the query set: chosen models (explored) and argmax-score models. */
    private record Routing(List<String> chosen, List<String> best, List<JsonNode> scores) {
        double meanCost(List<String> models) {
            return models.stream().mapToDouble(ServeTestKit::meanCost).average().orElseThrow();
        }
    }

    private static Routing route(String base, String user, List<String> queries) throws Exception {
        List<String> chosen = new ArrayList<>();
        List<String> best = new ArrayList<>();
        List<JsonNode> scores = new ArrayList<>();
        for (String q : queries) {
            ObjectNode body = JSON.createObjectNode().put("user_id", user).put("query", q);
            Response r = ServeTestKit.post(base + "/v1/route", body.toString());
            assertEquals(200, r.status(), r.body());
            JsonNode d = JSON.readTree(r.body());
            chosen.add(d.get("model").textValue());
            scores.add(d.get("scores"));
            String argmax = null;
            double top = Double.NEGATIVE_INFINITY;
            for (Iterator<Map.Entry<String, JsonNode>> it = d.get("scores").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().doubleValue() > top) {
                    top = e.getValue().doubleValue();
                    argmax = e.getKey();
                }
            }
            best.add(argmax);
        }
        return new Routing(chosen, best, scores);
    }

    private static void give(String base, String user, Feedback.Pairwise f) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("user_id", user).put("query", f.query());
        body.putObject("a").put("model", f.a().model()).put("quality", f.a().quality()).put("cost_usd", f.a().costUsd());
        body.putObject("b").put("model", f.b().model()).put("quality", f.b().quality()).put("cost_usd", f.b().costUsd());
        body.put("preferred", f.preferredA() ? "a" : "b");
        Response r = ServeTestKit.post(base + "/v1/feedback", body.toString());
        assertEquals(204, r.status(), r.body());
    }

    @Test
    void costAndQualityUsersAreRoutedApartWithinSixFeedbackEventsAndKeepItAcrossARestart() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        ServeConfig config = ServeTestKit.config(registry).stateDir(tmp.resolve("state")).logDir(tmp.resolve("logs")).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        List<String> queries = ServeTestKit.testQueries(QUERIES);
        List<Feedback.Pairwise> costMatters = ServeTestKit.comparisons(new UtilityProfile.Linear(5.0), 6, 101);
        List<Feedback.Pairwise> qualityMatters = ServeTestKit.comparisons(new UtilityProfile.Linear(0.01), 6, 202);

        Routing frugal;
        Routing exacting;
        try (RouterService service = RouterService.start(config, Clock.systemUTC(), quiet);
             HttpRouterServer server = HttpRouterServer.start(service, config, quiet)) {
            String base = server.baseUrl();
            assertEquals(route(base, "frugal", queries).scores(), route(base, "exacting", queries).scores(),
                    "before feedback both users get the prior's scores");
            for (int k = 0; k < 6; k++) {
                give(base, "frugal", costMatters.get(k));
                give(base, "exacting", qualityMatters.get(k));
            }
            frugal = route(base, "frugal", queries);
            exacting = route(base, "exacting", queries);
        }
        double frugalBest = frugal.meanCost(frugal.best());
        double exactingBest = exacting.meanCost(exacting.best());
        double frugalRouted = frugal.meanCost(frugal.chosen());
        double exactingRouted = exacting.meanCost(exacting.chosen());
        System.out.printf(Locale.ROOT, "after 6 comparisons, mean catalog cost of the best-scored model: cost-matters %.6f, "
                + "quality-matters %.6f; of the routed (explored) model: %.6f vs %.6f%n", frugalBest, exactingBest, frugalRouted,
                exactingRouted);
        assertTrue(frugalBest < 0.5 * exactingBest, "cost-matters best " + frugalBest + " vs quality-matters " + exactingBest);
        assertTrue(frugalRouted < exactingRouted, "cost-matters routed " + frugalRouted + " vs quality-matters " + exactingRouted);

        try (RouterService service = RouterService.start(config, Clock.systemUTC(), quiet);
             HttpRouterServer server = HttpRouterServer.start(service, config, quiet)) {
            Routing frugalAgain = route(server.baseUrl(), "frugal", queries);
            Routing exactingAgain = route(server.baseUrl(), "exacting", queries);
            assertEquals(frugal.scores(), frugalAgain.scores(), "after a restart the cost-matters user is scored as before");
            assertEquals(exacting.scores(), exactingAgain.scores(), "after a restart the quality-matters user is scored as before");
            assertEquals(frugal.best(), frugalAgain.best());
            assertEquals(exacting.best(), exactingAgain.best());
            assertEquals(0, service.metrics().readaptations(), "same artifact: states were read, not recomputed");
        }
    }
}
