package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.learn.TaskEvent;
import ai.metarouter.core.learn.UserCap;
import ai.metarouter.core.learn.UserTask;
import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The persisted form of a prepared user: exact round trip, compact where psi is the basis of (q, cs). */
class PreparedUserCodecTest {
    private static final UtilityBasis BASIS = UtilityBasis.defaults();
    private static final PreparedUserCodec CODEC = new PreparedUserCodec(BASIS);

    private static UserTask task(String user, boolean basisPsi, SplittableRandom rng) {
        int d = BASIS.dimension();
        List<TaskEvent> events = new ArrayList<>();
        events.add(new TaskEvent.Pair(rng.nextDouble(), rng.nextDouble(-0.2, 1.2), rng.nextDouble(), rng.nextDouble()));
        events.add(new TaskEvent.Reward(rng.nextDouble(), rng.nextDouble(), rng.nextDouble(-1, 1)));
        for (int r = 0; r < 3; r++) {
            int n = 1 + rng.nextInt(11);
            double[] psi = new double[n * d];
            for (int a = 0; a < n; a++) {
                if (basisPsi) BASIS.value(rng.nextDouble(), rng.nextDouble(-0.3, 1.3), psi, a * d);
                else for (int j = 0; j < d; j++) psi[a * d + j] = rng.nextDouble(-1, 1);
            }
            events.add(new TaskEvent.Route(psi, n, rng.nextInt(n), 1.0 / n, r == 0 ? Double.NaN : rng.nextDouble(), rng.nextDouble(),
                    r == 2 ? Double.NaN : rng.nextDouble()));
        }
        return new UserTask(user, d, events, 2);
    }

    private static void assertSameTask(UserTask a, UserTask b) {
        assertEquals(a.userId(), b.userId());
        assertEquals(a.skippedEvents(), b.skippedEvents());
        assertEquals(a.events().size(), b.events().size());
        for (int i = 0; i < a.events().size(); i++) {
            TaskEvent x = a.events().get(i);
            TaskEvent y = b.events().get(i);
            if (x instanceof TaskEvent.Route rx && y instanceof TaskEvent.Route ry) {
                assertArrayEquals(rx.candidatePsi(), ry.candidatePsi(), 0.0);
                assertEquals(rx.candidates(), ry.candidates());
                assertEquals(rx.chosen(), ry.chosen());
                assertEquals(Double.doubleToRawLongBits(rx.reward()), Double.doubleToRawLongBits(ry.reward()));
                assertEquals(Double.doubleToRawLongBits(rx.observedCs()), Double.doubleToRawLongBits(ry.observedCs()));
                assertEquals(rx.propensity(), ry.propensity(), 0.0);
            } else {
                assertEquals(x, y);
            }
        }
    }

    @Test
    void roundTripsExactlyAndIsCompactForBasisPsi() {
        SplittableRandom rng = new SplittableRandom(3);
        UserTask compact = task("ü-user", true, rng);
        UserTask full = task("other", false, rng);
        PreparedUser a = new PreparedUser(compact.userId(), null, 2.5, 40, 30, 1000L, 5000L, compact);
        PreparedUser b = new PreparedUser(full.userId(), null, 1.0, 5, 5, 7L, 9L, full);
        byte[] ea = CODEC.encode(a);
        byte[] eb = CODEC.encode(b);
        assertSameTask(compact, CODEC.decode(ea).task());
        assertSameTask(full, CODEC.decode(eb).task());
        assertEquals(2.5, CODEC.decode(ea).weight());
        assertEquals("ü-user", PreparedUserCodec.userId(ea));
        assertTrue(PreparedUserCodec.admitted(ea));
        assertArrayEquals(ea, CODEC.encode(CODEC.decode(ea)), "encoding is deterministic");
        PreparedUserCodec.Header h = PreparedUserCodec.decodeHeader(ea);
        assertEquals(40, h.originalEvents());
        assertEquals(30, h.keptEvents());
        assertEquals(5000L, h.maxTsMillis());
        int candidates = 0;
        for (TaskEvent e : compact.events()) if (e instanceof TaskEvent.Route r) candidates += r.candidates();
        int psiBytes = candidates * BASIS.dimension() * 8;
        assertTrue(ea.length < 200 + psiBytes * 2 / BASIS.dimension() + 200, "compact form stores (q, cs) per candidate: " + ea.length);
    }

    @Test
    void rejectedUsersCarryOnlyTheHeader() {
        PreparedUser r = new PreparedUser("few", UserCap.Rejection.TOO_FEW_EVENTS, 1.0, 1, 1, 3L, 3L, null);
        byte[] e = CODEC.encode(r);
        assertFalse(PreparedUserCodec.admitted(e));
        PreparedUser back = CODEC.decode(e);
        assertEquals(UserCap.Rejection.TOO_FEW_EVENTS, back.rejection());
        assertNull(back.task());
        assertThrows(IllegalArgumentException.class, () -> new PreparedUser("x", null, 1.0, 1, 1, 0, 0, null));
        byte[] wrongFormat = e.clone();
        wrongFormat[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> CODEC.decode(wrongFormat));
    }
}
