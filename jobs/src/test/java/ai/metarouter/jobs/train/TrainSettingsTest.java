package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.learn.IterationLog;
import ai.metarouter.core.learn.TrainerConfig;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** metarouter.train: the shipped defaults equal the core defaults, the map form round-trips, the fingerprint sees what matters. */
class TrainSettingsTest {
    private static final Config CONF = ConfigFactory.parseResources("metarouter-conf/metarouter.conf").resolve();

    private static TrainSettings shipped() {
        return TrainSettings.fromConfig(CONF.getConfig("metarouter.train"), CONF.getLong("metarouter.seed"));
    }

    @Test
    void shippedDefaultsAreTheCoreDefaults() {
        TrainSettings s = shipped();
        TrainerConfig core = TrainerConfig.defaults();
        assertEquals(core.featureSpec(), s.trainer().featureSpec());
        assertEquals(core.basis(), s.trainer().basis());
        assertEquals(core.model(), s.trainer().model());
        assertEquals(core.objective(), s.trainer().objective());
        assertEquals(core.adam(), s.trainer().adam());
        assertEquals(core.hidden(), s.trainer().hidden());
        assertEquals(core.latent(), s.trainer().latent());
        assertEquals(core.betaInit(), s.trainer().betaInit());
        assertEquals(core.iterations(), s.trainer().iterations());
        assertEquals(core.usersPerIteration(), s.trainer().usersPerIteration());
        assertEquals(core.outcome().rank(), s.trainer().outcome().rank());
        assertEquals(core.outcome().epochs(), s.trainer().outcome().epochs());
        assertEquals(CONF.getLong("metarouter.seed"), s.trainer().seed());
        assertEquals(TrainSettings.Optimizer.ADAM, s.optimizer());
    }

    @Test
    void theMapFormRoundTrips() {
        TrainSettings s = TrainTestData.settings(Map.of("optimizer", "lbfgs", "users-per-iteration", 0, "users.weighting", "events",
                "objective.z-noise", 0.25, "seed", 99));
        TrainSettings back = TrainSettings.fromMap(s.toMap());
        assertEquals(s, back);
        assertEquals(TrainSettings.ALL_USERS, back.trainer().usersPerIteration());
        assertEquals(99L, back.users().seed());
    }

    @Test
    void theFingerprintChangesWithResultChangingSettingsOnly() {
        TrainSettings s = shipped();
        Map<String, Object> id = Map.of("logs", "file:/x");
        assertEquals(s.fingerprint(id), s.withCheckpointEvery(1).fingerprint(id), "the checkpoint interval does not change the result");
        assertNotEquals(s.fingerprint(id), s.withTreeDepth(3).fingerprint(id));
        assertNotEquals(s.fingerprint(id), s.withOptimizer(TrainSettings.Optimizer.LBFGS).fingerprint(id));
        assertNotEquals(s.fingerprint(id), s.fingerprint(Map.of("logs", "file:/y")));
    }

    @Test
    void badValuesNameTheKey() {
        Config bad = ConfigFactory.parseMap(Map.of("optimizer", "sgd")).withFallback(CONF.getConfig("metarouter.train"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainSettings.fromConfig(bad, 1));
        assertTrue(e.getMessage().contains("sgd"));
        Config missing = CONF.getConfig("metarouter.train").withoutPath("adam.beta1");
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> TrainSettings.fromConfig(missing, 1));
        assertTrue(m.getMessage().contains("beta1"), m.getMessage());
    }

    @Test
    void iterationRecordsRoundTrip() {
        IterationRecord r = new IterationRecord(new IterationLog(3, 10, 1, 99, -0.5, 0.7, -0.4, 1.2, 6.5, 0.03), 1.25, 2);
        assertEquals(r, IterationRecord.fromMap(r.toMap()));
        assertTrue(r.progressLine().startsWith("iteration 3: loss -0.500000"));
    }
}
