package ai.metarouter.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InteractionEventTest {
    private static final long TS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Test
    void validEventsHaveNoProblemsAndCarryFeedback() {
        InteractionEvent route = InteractionEvent.route("e1", "u1", TS, "q1", "hello", "qa", List.of("a", "b"), "a",
                0.5, 0.9, 0.001, 0.7, "uniform", null);
        InteractionEvent pref = InteractionEvent.preference("e2", "u1", TS, "q1", "hello", "qa",
                new Outcome("a", 1.0, 0.001), new Outcome("b", 0.0, 0.0001), false, "sim", null);
        assertEquals(List.of(), route.problems());
        assertEquals(List.of(), pref.problems());
        assertEquals("2026-01-01", route.dt());
        Feedback.Pairwise p = (Feedback.Pairwise) pref.feedback().orElseThrow();
        assertEquals("b", p.winner().model());
        assertTrue(route.feedback().orElseThrow() instanceof Feedback.Reward);
    }

    @Test
    void everyProblemIsReported() {
        InteractionEvent bad = InteractionEvent.route("e1", "u1", TS, null, "q", null, List.of("a"), "c", 0.0,
                1.5, -1.0, null, null, null);
        List<String> problems = bad.problems();
        assertEquals(4, problems.size(), problems.toString());
        assertFalse(InteractionEvent.route("e", "u", TS, null, "q", null, List.of("a"), "a", 1.0, null, null, null,
                null, null).feedback().isPresent());
    }
}
