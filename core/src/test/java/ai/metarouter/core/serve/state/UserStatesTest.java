package ai.metarouter.core.serve.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.serve.ServeTestKit;
import ai.metarouter.core.serve.metrics.ServeMetrics;
import ai.metarouter.core.serve.reload.ServingVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStatesTest {
    @TempDir
    Path dir;

    private static ServingVersion version() {
        var model = ServeTestKit.model(ServeTestKit.SEED);
        return ServingVersion.of(1, "f".repeat(64), model, List.of(), Instant.EPOCH);
    }

    @Test
    void recordsRoundTripBitForBit() {
        UserRecord r = new UserRecord("u", List.of(
                new Feedback.Pairwise("q\u00e9\n", new Outcome("a", 0.1 + 0.2, 1e-9), new Outcome("b", 1.0, 0.0), false),
                new Feedback.Reward("q2", new Outcome("c", 0.5, 0.3), -1.0 / 3)),
                new UserState(new double[] {Math.PI, -0.0, 1e-300, 0.1 + 0.2}, 2), 4, "ab".repeat(32), 123L);
        UserRecord back = UserRecordCodec.decode("u", UserRecordCodec.encode(r));
        assertEquals(r, back);
        assertArrayEquals(r.state().theta(), back.state().theta());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> UserRecordCodec.decode("u", "{\"schema\":2}".getBytes()));
        assertTrue(e.getMessage().contains("unsupported record schema 2"), e.getMessage());
    }

    @Test
    void memoryHoldsAtMostTheCapWhileTheStoreKeepsEveryUser() throws IOException {
        ServingVersion v = version();
        List<Feedback.Pairwise> said = ServeTestKit.comparisons(new UtilityProfile.Linear(3.0), 2, 1);
        try (UserStates users = new UserStates(MvUserStore.open(dir, 4), 8, 16, Clock.systemUTC(), new ServeMetrics())) {
            for (int i = 0; i < 50; i++) {
                for (Feedback f : said) users.addFeedback("user-" + i, f, v).join();
            }
            assertTrue(users.usersInMemory() <= 8, "in memory: " + users.usersInMemory());
            assertEquals(50, users.usersStored());
            assertEquals(v.model().adapt(said), users.stateFor("user-0", v), "an evicted user's state comes back from the store");
        }
        try (UserStates users = new UserStates(MvUserStore.open(dir, 4), 8, 16, Clock.systemUTC(), new ServeMetrics())) {
            assertEquals(50, users.usersStored(), "the store survives a reopen");
            assertEquals(v.model().adapt(said), users.stateFor("user-49", v));
            assertEquals(v.prior(), users.stateFor("nobody", v));
        }
    }

    @Test
    void aSecondProcessCannotOpenTheSameStore() throws IOException {
        try (MvUserStore first = MvUserStore.open(dir, 4)) {
            IOException e = assertThrows(IOException.class, () -> MvUserStore.open(dir, 4));
            assertTrue(e.getMessage().contains("is another server using --state-dir"), e.getMessage());
        }
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        StripedLru<String, Integer> lru = new StripedLru<>(2, 1);
        lru.put("a", 1);
        lru.put("b", 2);
        lru.get("a");
        lru.put("c", 3);
        assertNull(lru.get("b"), "b was least recently used");
        assertEquals(1, lru.get("a"));
        assertEquals(3, lru.get("c"));
        assertEquals(2, lru.size());
    }
}
