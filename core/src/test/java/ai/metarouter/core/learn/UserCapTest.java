package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Capping is a reproducible sample independent of input order; weights and admission follow the config. */
class UserCapTest {
    private static InteractionEvent preference(String user, int i) {
        return new InteractionEvent(user + "-e" + i, user, 1_700_000_000_000L + i * 1000L, EventType.PREFERENCE, "q" + i, "query " + i,
                "qa", null, null, null, null, null, null, "a", 0.5, 0.001, "b", 0.7, 0.01, i % 2 == 0 ? "a" : "b", "test", null);
    }

    private static List<InteractionEvent> events(String user, int n) {
        List<InteractionEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(preference(user, i));
        return out;
    }

    private static Set<String> ids(UserCap.Capped c) {
        return c.events().stream().map(InteractionEvent::eventId).collect(Collectors.toSet());
    }

    @Test
    void capKeepsTheSameEventsWhateverTheOrder() {
        UserCap.Config cfg = new UserCap.Config(50, 4, UserCap.Weighting.USER, 7L);
        List<InteractionEvent> events = events("heavy", 3000);
        UserCap.Capped a = UserCap.cap("heavy", events, cfg);
        List<InteractionEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(3));
        UserCap.Capped b = UserCap.cap("heavy", shuffled, cfg);
        assertEquals(50, a.events().size());
        assertEquals(3000, a.originalEvents());
        assertTrue(a.wasCapped());
        assertEquals(ids(a), ids(b));
        assertEquals(1.0, a.weight());

        UserCap.Capped otherSeed = UserCap.cap("heavy", events, new UserCap.Config(50, 4, UserCap.Weighting.USER, 8L));
        assertFalse(ids(a).equals(ids(otherSeed)), "the sample depends on the seed");
        // Roughly uniform over time: kept events come from both halves of the history.
        long early = a.events().stream().filter(e -> Integer.parseInt(e.eventId().substring("heavy-e".length())) < 1500).count();
        assertTrue(early > 10 && early < 40, "early " + early);
    }

    @Test
    void theReservoirEqualsTheListFormAndSmallUsersAreUntouched() {
        UserCap.Config cfg = new UserCap.Config(20, 2, UserCap.Weighting.EVENTS, 11L);
        List<InteractionEvent> events = events("u", 200);
        UserCap.Reservoir r = new UserCap.Reservoir("u", cfg);
        for (int i = events.size() - 1; i >= 0; i--) r.offer(events.get(i));
        assertEquals(ids(UserCap.cap("u", events, cfg)), ids(r.finish()));
        assertEquals(200, r.offered());
        assertEquals(200.0, r.finish().weight(), "events weighting: the user weighs its events before capping");

        UserCap.Capped small = UserCap.cap("s", events("s", 7), cfg);
        assertEquals(7, small.events().size());
        assertFalse(small.wasCapped());
        assertEquals(7.0, small.weight());
    }

    @Test
    void admissionCountsUsableEventsAndScorableQueries() {
        UtilityBasis basis = UtilityBasis.defaults();
        UserCap.Config cfg = new UserCap.Config(100, 3, UserCap.Weighting.USER, 1L);
        SplittableRandom rng = new SplittableRandom(5);
        UserTask enough = Fixtures.randomTask("ok", 12, basis, rng);
        if (enough.maxContexts(16) >= 0) assertNull(UserCap.admit(enough, cfg, 16));
        UserTask tiny = new UserTask("tiny", basis.dimension(), List.of(new TaskEvent.Pair(0.9, 0.1, 0.5, 0.6)), 0);
        assertEquals(UserCap.Rejection.TOO_FEW_EVENTS, UserCap.admit(tiny, cfg, 16));
        double[] psi = basis.value(0.5, 0.5);
        List<TaskEvent> unrewarded = new ArrayList<>();
        for (int i = 0; i < 4; i++) unrewarded.add(new TaskEvent.Route(psi, 1, 0, 1.0, Double.NaN, Double.NaN, Double.NaN));
        assertEquals(UserCap.Rejection.NOTHING_TO_SCORE, UserCap.admit(new UserTask("nr", basis.dimension(), unrewarded, 0), cfg, 16));
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new UserCap.Config(0, 1, UserCap.Weighting.USER, 1));
        assertThrows(IllegalArgumentException.class, () -> new UserCap.Config(5, 6, UserCap.Weighting.USER, 1));
        assertEquals(UserCap.Weighting.EVENTS, UserCap.Weighting.parse(" Events "));
        assertThrows(IllegalArgumentException.class, () -> UserCap.Weighting.parse("bytes"));
        assertEquals(new HashSet<>(List.of("user", "events")),
                new HashSet<>(List.of(UserCap.Weighting.USER.wireName(), UserCap.Weighting.EVENTS.wireName())));
    }
}
