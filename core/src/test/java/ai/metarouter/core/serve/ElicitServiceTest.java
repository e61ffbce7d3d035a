package ai.metarouter.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.elicit.ComparisonPlanner;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.PreferencePosterior;
import ai.metarouter.core.serve.ElicitRequest.Asked;
import ai.metarouter.core.serve.ElicitRequest.QualityOutcomes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RouterService#elicit}: the library API of {@code POST /v1/elicit}, against a brute-force recomputation. */
class ElicitServiceTest {
    @TempDir
    Path tmp;

    private RouterService start(Path registry) throws Exception {
        return RouterService.start(ServeTestKit.config(registry).build(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream(), true));
    }

    /** What the endpoint must answer, recomputed pair by pair with the planner's primitives. */
    private record Expected(int query, String modelA, String modelB, double information, double qA, double cA, double qB, double cB) {}

    private static Expected bruteForce(MetaRouterModel model, List<Feedback> feedback, List<String> queries, List<String> candidates,
                                       boolean passFail, Set<String> skip) {
        PreferencePosterior posterior = model.posterior(feedback);
        Expected best = null;
        for (int q = 0; q < queries.size(); q++) {
            for (int i = 0; i < candidates.size(); i++) {
                for (int j = i + 1; j < candidates.size(); j++) {
                    String a = candidates.get(i);
                    String b = candidates.get(j);
                    if (skip.contains(q + " " + a + " " + b)) continue;
                    double[] qHat = new double[2];
                    double[] cost = new double[2];
                    model.predictor().predict(model.featurize(queries.get(q)), List.of(a, b), qHat, cost);
                    double info = ComparisonPlanner.expectedInformation(posterior, ComparisonPlanner.candidate(model.basis(),
                            model.costScale(), passFail, qHat[0], cost[0], qHat[1], cost[1]));
                    if (best == null || info > best.information()) best = new Expected(q, a, b, info, qHat[0], cost[0], qHat[1], cost[1]);
                }
            }
        }
        return best;
    }

    private static void assertAnswers(Expected expected, List<String> queries, ElicitResult r) {
        assertEquals(expected.query(), r.queryIndex());
        assertEquals(queries.get(expected.query()), r.query());
        assertEquals(expected.modelA(), r.modelA());
        assertEquals(expected.modelB(), r.modelB());
        assertEquals(expected.information(), r.expectedInformationBits(), 1e-12);
        assertEquals(new ElicitResult.Prediction(expected.qA(), expected.cA()), r.predictedA());
        assertEquals(new ElicitResult.Prediction(expected.qB(), expected.cB()), r.predictedB());
    }

    @Test
    void asksTheMostInformativeComparisonOverAllQueriesAndPairsDeterministically() throws Exception {
        try (RouterService service = start(ServeTestKit.registry(tmp.resolve("registry")))) {
            MetaRouterModel model = service.version().model();
            List<String> queries = ServeTestKit.testQueries(6);
            List<String> arms = service.version().armIds();
            ElicitResult r = service.elicit(new ElicitRequest("fresh", queries, null, null, null));
            assertAnswers(bruteForce(model, List.of(), queries, arms, false, Set.of()), queries, r);
            assertTrue(r.expectedInformationBits() > 0 && r.expectedInformationBits() <= 1, "bits " + r.expectedInformationBits());
            assertEquals(0, r.feedbackCount());
            assertEquals(1, r.artifactVersion());
            assertTrue(arms.indexOf(r.modelA()) < arms.indexOf(r.modelB()), "model_a comes first in candidate order");
            assertEquals(r, service.elicit(new ElicitRequest("fresh", queries, null, null, null)), "same state, same request, same answer");
            assertEquals(r, service.elicit(new ElicitRequest("another-fresh-user", queries, null, null, null)),
                    "every user without feedback is asked from the prior");

            // A subset in another order: pairs are oriented by the request's candidate order.
            List<String> subset = List.of(arms.get(8), arms.get(2), arms.get(5), arms.get(0));
            ElicitResult s = service.elicit(new ElicitRequest("fresh", queries, subset, null, null));
            assertAnswers(bruteForce(model, List.of(), queries, subset, false, Set.of()), queries, s);
            assertTrue(subset.indexOf(s.modelA()) < subset.indexOf(s.modelB()));
            assertTrue(service.users().record("fresh").isEmpty(), "asking stores nothing");
        }
    }

    @Test
    void aUserWhoseTradeOffIsKnownIsAskedSomethingElseAndLearnsLessFromIt() throws Exception {
        try (RouterService service = start(ServeTestKit.registry(tmp.resolve("registry")))) {
            MetaRouterModel model = service.version().model();
            List<String> queries = ServeTestKit.testQueries(8);
            List<Feedback.Pairwise> said = ServeTestKit.comparisons(new UtilityProfile.Linear(2.0), 48, 21);
            for (Feedback.Pairwise f : said) service.feedback(new FeedbackRequest("known", f));
            ElicitResult fresh = service.elicit(new ElicitRequest("fresh", queries, null, null, null));
            ElicitResult known = service.elicit(new ElicitRequest("known", queries, null, null, null));
            assertEquals(said.size(), known.feedbackCount());
            assertAnswers(bruteForce(model, List.copyOf(said), queries, service.version().armIds(), false, Set.of()), queries, known);
            assertNotEquals(List.of(fresh.queryIndex(), fresh.modelA(), fresh.modelB()), List.of(known.queryIndex(), known.modelA(),
                    known.modelB()), "the posterior, not only the queries, decides the question");
            assertTrue(known.expectedInformationBits() < fresh.expectedInformationBits(),
                    "known " + known.expectedInformationBits() + " vs fresh " + fresh.expectedInformationBits());
        }
    }

    @Test
    void excludedComparisonsAreSkippedInEitherModelOrder() throws Exception {
        try (RouterService service = start(ServeTestKit.registry(tmp.resolve("registry")))) {
            MetaRouterModel model = service.version().model();
            List<String> queries = ServeTestKit.testQueries(3);
            List<String> arms = service.version().armIds();
            List<Asked> asked = new ArrayList<>();
            Set<String> skip = new java.util.HashSet<>();
            for (int round = 0; round < 4; round++) {
                ElicitResult r = service.elicit(new ElicitRequest("u", queries, null, null, asked));
                assertAnswers(bruteForce(model, List.of(), queries, arms, false, skip), queries, r);
                assertTrue(!skip.contains(r.queryIndex() + " " + r.modelA() + " " + r.modelB()), "asked again: " + r);
                // Reported back in the other order on odd rounds.
                asked.add(round % 2 == 0 ? new Asked(r.queryIndex(), r.modelA(), r.modelB()) : new Asked(r.queryIndex(), r.modelB(), r.modelA()));
                skip.add(r.queryIndex() + " " + r.modelA() + " " + r.modelB());
            }
            List<String> two = List.of(arms.get(0), arms.get(1));
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> service.elicit(new ElicitRequest("u",
                    queries.subList(0, 1), two, null, List.of(new Asked(0, arms.get(1), arms.get(0))))));
            assertTrue(e.getMessage().contains("exclude covers every comparison"), e.getMessage());
            ElicitResult outside = service.elicit(new ElicitRequest("u", queries.subList(0, 1), two, null,
                    List.of(new Asked(0, arms.get(2), arms.get(3)))));
            assertEquals(List.of(arms.get(0), arms.get(1)), List.of(outside.modelA(), outside.modelB()),
                    "an exclusion of models outside the candidates excludes nothing");
        }
    }

    @Test
    void qualityOutcomesDefaultToPassFailExactlyWhenTheBasisHasNoQualityKnots() throws Exception {
        List<String> queries = ServeTestKit.testQueries(5);
        try (RouterService graded = start(ServeTestKit.registry(tmp.resolve("graded")))) {
            MetaRouterModel model = graded.version().model();
            assertTrue(model.basis().qualityKnots().length > 0, "the synthetic graded artifact keeps its quality knots");
            List<String> arms = graded.version().armIds();
            ElicitResult byDefault = graded.elicit(new ElicitRequest("u", queries, null, null, null));
            assertEquals(byDefault, graded.elicit(new ElicitRequest("u", queries, null, QualityOutcomes.GRADED, null)));
            ElicitResult passFail = graded.elicit(new ElicitRequest("u", queries, null, QualityOutcomes.PASS_FAIL, null));
            assertAnswers(bruteForce(model, List.of(), queries, arms, true, Set.of()), queries, passFail);
            assertNotEquals(byDefault.expectedInformationBits(), passFail.expectedInformationBits(), "the mode changes the scenarios");
        }
        try (RouterService binary = start(ServeTestKit.passFailRegistry(tmp.resolve("pass-fail")))) {
            MetaRouterModel model = binary.version().model();
            assertEquals(0, model.basis().qualityKnots().length, "trained on pass/fail outcomes");
            List<String> arms = binary.version().armIds();
            ElicitResult byDefault = binary.elicit(new ElicitRequest("u", queries, null, null, null));
            assertAnswers(bruteForce(model, List.of(), queries, arms, true, Set.of()), queries, byDefault);
            assertEquals(byDefault, binary.elicit(new ElicitRequest("u", queries, null, QualityOutcomes.PASS_FAIL, null)));
            ElicitResult graded = binary.elicit(new ElicitRequest("u", queries, null, QualityOutcomes.GRADED, null));
            assertAnswers(bruteForce(model, List.of(), queries, arms, false, Set.of()), queries, graded);
            assertNotEquals(byDefault.expectedInformationBits(), graded.expectedInformationBits());
        }
    }

    @Test
    void refusesInvalidRequestsWithAMessageNamingTheProblem() throws Exception {
        try (RouterService service = start(ServeTestKit.registry(tmp.resolve("registry")))) {
            List<String> arms = service.version().armIds();
            String a = arms.get(0);
            String b = arms.get(1);
            List<String> q = List.of("q0", "q1");
            List<String> many = new ArrayList<>();
            for (int i = 0; i <= ElicitRequest.MAX_QUERIES; i++) many.add("query " + i);
            List<Asked> tooMany = new ArrayList<>();
            for (int i = 0; i <= ElicitRequest.MAX_EXCLUDE; i++) tooMany.add(new Asked(0, a, b));
            Map<ElicitRequest, String> bad = new LinkedHashMap<>();
            bad.put(new ElicitRequest(" ", q, null, null, null), "user_id must be a non-empty string");
            bad.put(new ElicitRequest("u".repeat(300), q, null, null, null), "user_id is longer than 256");
            bad.put(new ElicitRequest("u", null, null, null, null), "queries must be a non-empty array");
            bad.put(new ElicitRequest("u", List.of(), null, null, null), "queries must be a non-empty array");
            bad.put(new ElicitRequest("u", many, null, null, null), "queries has 65 entries, at most 64");
            bad.put(new ElicitRequest("u", List.of("q0", "x".repeat(40_000)), null, null, null), "queries[1] is longer than 32768");
            bad.put(new ElicitRequest("u", List.of("q0", "q1", "q0"), null, null, null), "queries[2] repeats queries[0]");
            // Library callers: a null element is a bad request with a message, not a NullPointerException.
            bad.put(new ElicitRequest("u", java.util.Arrays.asList("q0", null), null, null, null), "queries[1] must be a string");
            bad.put(new ElicitRequest("u", q, java.util.Arrays.asList(a, null), null, null), "candidates must be model ids");
            bad.put(new ElicitRequest("u", q, List.of(), null, null), "candidates must name at least 2 models");
            bad.put(new ElicitRequest("u", q, List.of(a), null, null), "candidates must name at least 2 models");
            bad.put(new ElicitRequest("u", q, List.of(a, a), null, null), "model '" + a + "' appears twice in candidates");
            bad.put(new ElicitRequest("u", q, List.of(a, "gpt-17"), null, null), "unknown model in candidates: 'gpt-17'");
            bad.put(new ElicitRequest("u", q, null, null, List.of(new Asked(2, a, b))), "exclude[0].query_index must be in [0, 1], got 2");
            bad.put(new ElicitRequest("u", q, null, null, List.of(new Asked(0, a, b), new Asked(-1, a, b))),
                    "exclude[1].query_index must be in [0, 1], got -1");
            bad.put(new ElicitRequest("u", q, null, null, List.of(new Asked(0, a, "llama-9"))), "unknown model in exclude[0].model_b: 'llama-9'");
            bad.put(new ElicitRequest("u", q, null, null, List.of(new Asked(1, b, b))), "exclude[0] compares '" + b + "' with itself");
            bad.put(new ElicitRequest("u", q, null, null, tooMany), "exclude has 1025 entries, at most 1024");
            bad.forEach((request, message) -> {
                InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> service.elicit(request), message);
                assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
            });
        }
    }
}
