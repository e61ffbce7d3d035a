package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.model.ArmDescriptor;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.UtilityBasis;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserTaskBuilderTest {
    private static final FeatureSpec SPEC = new FeatureSpec(16, 1, 3, true, 1);

    private static UserTaskBuilder builder() {
        return builder(new double[16], 0.0, 0.0);
    }

    /** Arms whose predicted quality depends on the query through {@code projection} with weights {@code wCheap}, {@code wDear}. */
    private static UserTaskBuilder builder(double[] projection, double wCheap, double wDear) {
        List<ArmDescriptor> arms = List.of(
                new ArmDescriptor(new ModelInfo("cheap", 0.1, 0.2, 1e-4, 10), new double[] {wCheap, -0.5}, Math.log(1e-4), 0.0),
                new ArmDescriptor(new ModelInfo("dear", 5.0, 15.0, 1e-2, 10), new double[] {wDear, 1.5}, Math.log(1e-2), 0.0));
        OutcomePredictor p = new OutcomePredictor(16, 1, projection, arms);
        return new UserTaskBuilder(new HashedNgramFeaturizer(SPEC), p, new CostScale(Math.log(1e-4), Math.log(1e-2)), UtilityBasis.defaults());
    }

    @Test
    void eventsAreOrderedConvertedAndBadOnesCounted() {
        List<InteractionEvent> events = List.of(
                InteractionEvent.route("e3", "u", 3000, "q3", "hello world", null, List.of("cheap", "retired", "dear"), "dear", 0.5, 0.9, 0.01, 0.4, "uniform", null),
                InteractionEvent.preference("e1", "u", 1000, "q1", "a question", null, new Outcome("cheap", 0.4, 1e-4),
                        new Outcome("dear", 0.9, 1e-2), false, "uniform-pair", null),
                InteractionEvent.route("e4", "u", 4000, "q4", "another", null, List.of("cheap", "retired"), "retired", 0.5, 0.5, 0.001, 0.1, "uniform", null),
                InteractionEvent.reward("e2", "u", 2000, "q2", "text", null, new Outcome("cheap", 0.5, 1e-4), 0.3, "p", null),
                InteractionEvent.route("e5", "u", 5000, "q5", "no reward yet", null, List.of("cheap", "dear"), "cheap", 1.5, null, null, null, "uniform", null));
        UserTask t = builder().build("u", events);
        // e4 chose a model the predictor does not know; e5 has an invalid propensity
        assertEquals(2, t.skippedEvents());
        assertEquals(3, t.events().size());
        TaskEvent.Pair pair = assertInstanceOf(TaskEvent.Pair.class, t.events().get(0));
        assertEquals(0.9, pair.qWin());
        assertEquals(1.0, pair.csWin(), 1e-12);
        assertEquals(0.0, pair.csLose(), 1e-12);
        assertInstanceOf(TaskEvent.Reward.class, t.events().get(1));
        TaskEvent.Route route = assertInstanceOf(TaskEvent.Route.class, t.events().get(2));
        assertEquals(2, route.candidates(), "the retired candidate is dropped");
        assertEquals(1, route.chosen());
        assertTrue(route.isFeedback());
        assertEquals(3, t.feedbackCount());
        assertEquals(1, t.contextCount(true));
        assertEquals(2, t.queryStart(2));
        // the only scorable query-set events are the comparison (index 0) and the route (index 2)
        assertEquals(2, t.maxContexts(16));
        assertEquals(1, t.maxContexts(16, true));
    }

    @Test
    void eventsOfAnotherUserAreRejected() {
        InteractionEvent e = InteractionEvent.reward("e1", "someone-else", 1, "q", "t", null, new Outcome("cheap", 0.5, 1e-4), 0.1, "p", null);
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> builder().build("u", List.of(e)));
        assertTrue(err.getMessage().contains("someone-else"));
    }

    @Test
    void thePredictionCacheGivesTheUncachedTasksBitForBit() {
        double[] projection = new double[16];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int i = 0; i < projection.length; i++) projection[i] = rng.nextDouble(-2, 2);
        UserTaskBuilder plain = builder(projection, 1.0, -0.7);
        List<String> queries = List.of("prove the lemma", "write a haiku", "sum these numbers", "translate this", "prove the lemma again");
        List<List<String>> candidateSets = List.of(List.of("cheap", "dear"), List.of("dear", "cheap"), List.of("retired", "dear", "cheap"));
        List<InteractionEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String query = queries.get(rng.nextInt(queries.size()));
            List<String> candidates = candidateSets.get(rng.nextInt(candidateSets.size()));
            events.add(InteractionEvent.route("e" + i, "u", 1000L * i, "q" + i, query, null, candidates, "dear", 0.5, 0.8, 0.01, 0.4,
                    "uniform", null));
        }
        UserTask expected = plain.build("u", events);
        java.util.Set<String> distinctPsi = new java.util.HashSet<>();
        // capacity 2 < 15 distinct (query, candidates): hits, misses and evictions all happen
        for (UserTaskBuilder cached : List.of(plain.withPredictionCache(2), plain.withPredictionCache(1000))) {
            UserTask actual = cached.build("u", events);
            assertEquals(expected.events().size(), actual.events().size());
            for (int i = 0; i < expected.events().size(); i++) {
                TaskEvent.Route a = (TaskEvent.Route) expected.events().get(i);
                TaskEvent.Route b = (TaskEvent.Route) actual.events().get(i);
                assertEquals(a.candidates(), b.candidates());
                assertEquals(a.chosen(), b.chosen());
                assertTrue(java.util.Arrays.equals(a.candidatePsi(), b.candidatePsi()), "event " + i);
                distinctPsi.add(java.util.Arrays.toString(a.candidatePsi()));
            }
        }
        assertTrue(distinctPsi.size() >= 8, "queries and candidate orders give different predictions: " + distinctPsi.size());
        assertThrows(IllegalArgumentException.class, () -> plain.withPredictionCache(0));
    }
}
