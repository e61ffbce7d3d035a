package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.sim.SyntheticBenchmark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-user weights overload of {@link ReferenceTrainer#metaTrain} (used with {@link UserCap} weights). */
class ReferenceTrainerWeightsTest {
    @Test
    void unitWeightsEqualTheUnweightedRunAndOtherWeightsChangeIt() {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(2).withQueries(80).withModels(3));
        TrainerConfig cfg = TrainerConfig.defaults().withOutcome(OutcomeTrainerConfig.defaults().withEpochs(1).withRank(2))
                .withIterations(3, 5);
        ReferenceTrainer trainer = new ReferenceTrainer(cfg);
        MetaRouterModel initial = trainer.initialModel(data.outcomes(), data.catalog());
        SplittableRandom rng = new SplittableRandom(12);
        List<UserTask> tasks = new ArrayList<>();
        for (int u = 0; u < 8; u++) tasks.add(Fixtures.randomTask("user-" + u, 14, initial.basis(), rng));
        AdamState start = AdamState.initial(initial.metaParameters().size());

        double[] plain = trainer.metaTrain(initial, tasks, start, 0, 3, null).model().metaParameters().toArray();
        Map<String, Double> ones = new HashMap<>();
        for (UserTask t : tasks) ones.put(t.userId(), 1.0);
        double[] unit = trainer.metaTrain(initial, tasks, ones, start, 0, 3, null).model().metaParameters().toArray();
        assertArrayEquals(plain, unit, 0.0);

        Map<String, Double> skewed = new HashMap<>(ones);
        skewed.put("user-3", 25.0);
        double[] weighted = trainer.metaTrain(initial, tasks, skewed, start, 0, 3, null).model().metaParameters().toArray();
        assertFalse(Arrays.equals(plain, weighted), "a user's weight changes the mean gradient");

        Map<String, Double> missing = new HashMap<>(ones);
        missing.remove("user-0");
        assertThrows(IllegalArgumentException.class, () -> trainer.metaTrain(initial, tasks, missing, start, 0, 3, null));
    }
}
