package ai.metarouter.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.metarouter.core.bandit.Softmax;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.serve.ElicitRequest;
import ai.metarouter.core.serve.ElicitResult;
import ai.metarouter.core.serve.FeedbackRequest;
import ai.metarouter.core.serve.RouteRequest;
import ai.metarouter.core.serve.RouteResult;
import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed golden set ({@link GoldenRouterSet}) is what this build computes: the inputs are
 * the generator's, the outputs are the Java router's, through the model API and through the
 * serving library. A failure here means core's math, featuriser or exploration changed; the
 * non-JVM readers reproduce the committed outputs, so they would silently disagree with serving.
 * If the change is deliberate, run {@value GoldenRouterSet#COMMAND} and commit, then make
 * {@code python/metarouter_reader} pass again.
 */
class GoldenRouterSetTest {
    /** Doubles may differ by rounding only (another CPU's Math intrinsics); any real change is far larger. */
    private static final double TOLERANCE = 1e-12;
    private static final String HOW_TO_FIX = "the Java router no longer computes the committed golden set. If the change is deliberate, run "
            + GoldenRouterSet.COMMAND + ", commit data-schemas/golden/router/, and update python/metarouter_reader until its tests pass";

    private static Path dir;
    private static JsonNode inputs;
    private static JsonNode outputs;

    @BeforeAll
    static void readCommitted() throws IOException {
        dir = GoldenRouterSet.repoRoot().resolve(GoldenRouterSet.DIR);
        ObjectMapper json = new ObjectMapper();
        inputs = json.readTree(dir.resolve(GoldenRouterSet.INPUTS).toFile());
        outputs = json.readTree(dir.resolve(GoldenRouterSet.OUTPUTS).toFile());
    }

    @Test
    void theCommittedInputsAreTheGeneratorsInputs() throws IOException {
        String committed = Files.readString(dir.resolve(GoldenRouterSet.INPUTS), StandardCharsets.US_ASCII);
        String generated = new String(GoldenRouterSet.toBytes(GoldenRouterSet.inputs()), StandardCharsets.US_ASCII);
        assertEquals(generated, committed, GoldenRouterSet.INPUTS + " differs from GoldenRouterSet.inputs(): edit the generator, "
                + "not the file, and run " + GoldenRouterSet.COMMAND);
    }

    @Test
    void theSetCoversWhatItClaims() {
        int maxContexts = 0;
        for (JsonNode u : inputs.get("users")) maxContexts = Math.max(maxContexts, u.get("feedback").size());
        assertEquals(8, maxContexts, "users up to 8 feedback contexts");
        assertTrue(inputs.get("cases").size() >= 100, "at least 100 cases");
        assertEquals(inputs.get("cases").size(), outputs.get("cases").size());
        boolean tie = false;
        for (JsonNode c : outputs.get("cases")) {
            List<Double> s = new ArrayList<>();
            c.get("scores").forEach(v -> s.add(v.asDouble()));
            for (int i = 0; i < s.size(); i++) for (int j = i + 1; j < s.size(); j++) tie |= Math.abs(s.get(i) - s.get(j)) < 1e-9;
        }
        assertTrue(!tie, "no near-ties in the golden scores: a greedy choice must not hinge on rounding");

        Map<String, Integer> sizes = new HashMap<>();
        for (JsonNode u : inputs.get("users")) sizes.put(u.get("id").asText(), u.get("feedback").size());
        Set<Integer> elicited = new HashSet<>();
        for (JsonNode e : inputs.get("elicitations")) elicited.add(sizes.get(e.get("user").asText()));
        assertTrue(elicited.containsAll(List.of(0, 1, 8)) && elicited.size() >= 4, "elicitations for users of 0 to 8 contexts: " + elicited);
        assertEquals(inputs.get("elicitations").size(), outputs.get("elicitations").size());
        for (JsonNode e : outputs.get("elicitations")) {
            for (String outcomes : List.of("pass_fail", "graded")) {
                JsonNode c = e.get(outcomes);
                assertTrue(c.get("information").asDouble() - c.get("runner_up_information").asDouble() > 1e-9,
                        "no near-ties in the golden elicitations: a choice must not hinge on rounding (" + e + ")");
            }
        }
        assertTrue(outputs.get("posteriors").size() >= 4, "posteriors of several users");
    }

    @Test
    void theCommittedOutputsAreWhatTheJavaRouterComputesNow() throws IOException {
        JsonNode now = GoldenRouterSet.outputs(dir.resolve(GoldenRouterSet.REGISTRY), inputs);
        List<String> differences = new ArrayList<>();
        compare("", outputs, now, differences);
        if (!differences.isEmpty()) {
            fail(HOW_TO_FIX + "\n" + differences.size() + " differences, the first: " + String.join("\n", differences.subList(0, Math.min(15,
                    differences.size()))));
        }
    }

    /**
     * The serving library (RouterService: user states adapted feedback by feedback, candidate
     * resolution, exploration) gives the golden scores, and propensities from the golden
     * distribution of the default serving exploration.
     */
    @Test
    void theServingLibraryAgreesWithTheGoldenOutputs(@TempDir Path tmp) throws Exception {
        Path registry = tmp.resolve("registry");
        copyTree(dir.resolve(GoldenRouterSet.REGISTRY), registry);
        List<String> queries = new ArrayList<>();
        inputs.get("queries").forEach(q -> queries.add(q.asText()));
        Map<String, JsonNode> users = new HashMap<>();
        inputs.get("users").forEach(u -> users.put(u.get("id").asText(), u));
        JsonNode serveDefault = null;
        for (JsonNode e : inputs.get("explorations")) if (e.get("name").asText().equals("serve-default")) serveDefault = e;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (JsonNode version : inputs.get("versions")) {
            ServeConfig config = ServeConfig.defaults(registry.toString()).version(version.asText()).host("127.0.0.1").port(0)
                    .exploration(new Softmax(serveDefault.get("tau").asDouble(), serveDefault.get("min_propensity").asDouble())).build();
            try (RouterService service = RouterService.start(config, Clock.systemUTC(), quiet)) {
                for (JsonNode u : inputs.get("users")) {
                    for (Feedback f : GoldenRouterSet.feedbackOf(u)) service.feedback(new FeedbackRequest(u.get("id").asText(), f));
                }
                Iterator<JsonNode> expected = outputs.get("cases").iterator();
                for (JsonNode c : inputs.get("cases")) {
                    JsonNode out = expected.next();
                    if (c.get("version").asInt() != version.asInt()) continue;
                    List<String> candidates = null;
                    if (!c.get("candidates").isNull()) {
                        candidates = new ArrayList<>();
                        for (JsonNode id : c.get("candidates")) candidates.add(id.asText());
                    }
                    RouteResult r = service.route(new RouteRequest(c.get("user").asText(), queries.get(c.get("query").asInt()), candidates));
                    String where = "v" + version.asInt() + " " + c.get("event_id").asText();
                    List<String> served = new ArrayList<>(r.scores().keySet());
                    List<String> golden = new ArrayList<>();
                    out.get("candidates").forEach(id -> golden.add(id.asText()));
                    assertEquals(golden, served, where + ": candidates");
                    for (int i = 0; i < golden.size(); i++) {
                        double g = out.get("scores").get(i).asDouble();
                        assertEquals(g, r.scores().get(golden.get(i)), TOLERANCE * Math.max(1, Math.abs(g)), where + ": score of " + golden.get(i)
                                + "; " + HOW_TO_FIX);
                    }
                    double p = out.get("decisions").get("serve-default").get("probabilities").get(golden.indexOf(r.model())).asDouble();
                    assertEquals(p, r.propensity(), TOLERANCE, where + ": propensity of " + r.model());
                }
                checkElicitations(service, version.asInt(), queries);
            }
        }
    }

    /** POST /v1/elicit's library call answers each golden elicitation of this version (its outcomes given and by default). */
    private static void checkElicitations(RouterService service, int version, List<String> queries) {
        Iterator<JsonNode> expected = outputs.get("elicitations").iterator();
        for (JsonNode e : inputs.get("elicitations")) {
            JsonNode out = expected.next();
            if (e.get("version").asInt() != version) continue;
            List<String> asked = new ArrayList<>();
            e.get("queries").forEach(q -> asked.add(queries.get(q.asInt())));
            List<String> candidates = null;
            if (!e.get("candidates").isNull()) {
                candidates = new ArrayList<>();
                for (JsonNode id : e.get("candidates")) candidates.add(id.asText());
            }
            List<ElicitRequest.Asked> exclude = new ArrayList<>();
            for (JsonNode x : e.get("exclude")) {
                exclude.add(new ElicitRequest.Asked(x.get("query_index").asInt(), x.get("model_a").asText(), x.get("model_b").asText()));
            }
            String user = e.get("user").asText();
            for (ElicitRequest.QualityOutcomes outcomes : new ElicitRequest.QualityOutcomes[] {
                ElicitRequest.QualityOutcomes.PASS_FAIL, ElicitRequest.QualityOutcomes.GRADED, null}) {
                // Both golden bases have quality knots: the default is graded.
                JsonNode want = out.get(outcomes == ElicitRequest.QualityOutcomes.PASS_FAIL ? "pass_fail" : "graded");
                ElicitResult r = service.elicit(new ElicitRequest(user, asked, candidates, outcomes, exclude));
                String where = "v" + version + " " + user + " elicit " + outcomes;
                assertEquals(want.get("query_index").asInt(), r.queryIndex(), where);
                assertEquals(want.get("model_a").asText(), r.modelA(), where);
                assertEquals(want.get("model_b").asText(), r.modelB(), where);
                assertEquals(want.get("information").asDouble(), r.expectedInformationBits(), TOLERANCE, where + "; " + HOW_TO_FIX);
            }
        }
    }

    /** Walks two JSON trees; numbers may differ by {@link #TOLERANCE} (relative above 1), everything else must be equal. */
    static void compare(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected.isNumber() && actual.isNumber()) {
            if (expected.isIntegralNumber() && actual.isIntegralNumber()) {
                if (!expected.bigIntegerValue().equals(actual.bigIntegerValue())) out.add(path + ": " + expected + " -> " + actual);
                return;
            }
            double e = expected.asDouble();
            double a = actual.asDouble();
            if (!(Math.abs(e - a) <= TOLERANCE * Math.max(1, Math.abs(e)))) out.add(path + ": " + e + " -> " + a);
            return;
        }
        if (expected.getNodeType() != actual.getNodeType()) {
            out.add(path + ": " + expected.getNodeType() + " -> " + actual.getNodeType());
            return;
        }
        if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(path + ": " + expected.size() + " elements -> " + actual.size());
                return;
            }
            for (int i = 0; i < expected.size(); i++) compare(path + "[" + i + "]", expected.get(i), actual.get(i), out);
        } else if (expected.isObject()) {
            List<String> ek = new ArrayList<>();
            expected.fieldNames().forEachRemaining(ek::add);
            List<String> ak = new ArrayList<>();
            actual.fieldNames().forEachRemaining(ak::add);
            if (!ek.equals(ak)) {
                out.add(path + ": keys " + ek + " -> " + ak);
                return;
            }
            for (String k : ek) compare(path + "." + k, expected.get(k), actual.get(k), out);
        } else if (!expected.equals(actual)) {
            out.add(path + ": " + expected + " -> " + actual);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
