package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.sim.UserSplit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Spark trainer relies on: per-user work depends only on (parameters, events, seed,
 * iteration); user sampling is a function of ids; merging accumulators in any partitioning gives
 * the reference trainer's step; a run resumed from its optimiser state is bit-identical.
 */
class TrainerDeterminismTest {
    private static ReferenceTrainer trainer;
    private static MetaRouterModel initial;
    private static List<UserTask> tasks;

    @BeforeAll
    static void setUp() {
        SimulatedPopulation pop = new SimulatedPopulation(600, 77);
        TrainerConfig cfg = TrainerConfig.defaults().withIterations(6, 25).withSeed(77)
                .withOutcome(OutcomeTrainerConfig.defaults().withEpochs(2))
                .withObjective(ObjectiveConfig.specDefaults().withNoise(0.02, 0.05, 0.1));
        trainer = new ReferenceTrainer(cfg);
        initial = trainer.initialModel(pop.predictorQueries, pop.catalog);
        tasks = trainer.tasks(initial, pop.logs(pop.users("u", 60, UserSplit.ID)));
    }

    @Test
    void sameInputsGiveBitIdenticalParametersAndResumeEqualsOneRun() {
        ReferenceTrainer.Result full = trainer.metaTrain(initial, tasks, null);
        ReferenceTrainer.Result again = trainer.metaTrain(initial, tasks, null);
        assertEquals(full.model().metaParameters(), again.model().metaParameters());
        ReferenceTrainer.Result firstHalf = trainer.metaTrain(initial, tasks, AdamState.initial(initial.metaParameters().size()), 0, 3, null);
        // checkpoint = (parameters, Adam state as named blocks); resume at iteration 3
        AdamState restored = AdamState.fromBlocks(firstHalf.adamState().toBlocks());
        MetaParameters restoredParams = MetaParameters.fromBlocks(firstHalf.model().metaParameters().toBlocks());
        ReferenceTrainer.Result resumed = trainer.metaTrain(initial.withMetaParameters(restoredParams), tasks, restored, 3, 3, null);
        assertEquals(full.model().metaParameters(), resumed.model().metaParameters());
        assertEquals(full.adamState(), resumed.adamState());
        assertNotEquals(initial.metaParameters(), full.model().metaParameters());
        assertEquals(6, full.log().size());
    }

    @Test
    void anyPartitioningOfUsersGivesTheSameStep() {
        MetaParameters params = initial.metaParameters();
        UserMetaObjective obj = new UserMetaObjective(params.dims(), initial.basis(), initial.config(), trainer.config().objective());
        long seed = trainer.config().seed();
        List<String> ids = new ArrayList<>();
        for (UserTask t : tasks) ids.add(t.userId());
        List<String> sample = UserSampler.sample(seed, 4, ids, 40);
        GradientAccumulator sequential = new GradientAccumulator(params.size());
        for (String u : sample) sequential.add(obj.evaluate(params, find(u), seed, 4), 1.0);
        double worst = 0;
        for (int parts : new int[] {1, 2, 7}) {
            List<GradientAccumulator> partials = new ArrayList<>();
            for (int p = 0; p < parts; p++) partials.add(new GradientAccumulator(params.size()));
            // a different assignment of users to partitions, in reverse order within each
            for (int i = sample.size() - 1; i >= 0; i--) {
                String u = sample.get(i);
                partials.get(Math.floorMod(u.hashCode(), parts)).add(obj.evaluate(params, find(u), seed, 4), 1.0);
            }
            GradientAccumulator merged = partials.get(parts - 1);
            for (int p = parts - 2; p >= 0; p--) merged = partials.get(p).merge(merged);
            OuterStep.Result a = OuterStep.apply(params, AdamState.initial(params.size()), sequential, trainer.config().adam());
            OuterStep.Result b = OuterStep.apply(params, AdamState.initial(params.size()), merged, trainer.config().adam());
            double[] x = a.params().toArray();
            double[] y = b.params().toArray();
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1e-300, Math.abs(x[i])));
            assertEquals(sequential.users(), merged.users());
        }
        System.out.printf(Locale.ROOT, "partitioned vs sequential outer step: worst relative parameter difference %.3e%n", worst);
        assertTrue(worst < 1e-12, "relative difference " + worst);
    }

    @Test
    void bernoulliSamplingIsWhatASparkJobWithoutAUserListDoes() {
        ReferenceTrainer bern = new ReferenceTrainer(trainer.config().withUserSampleRate(0.3).withIterations(3, 1));
        List<String> ids = new ArrayList<>();
        for (UserTask t : tasks) ids.add(t.userId());
        for (int it = 0; it < 3; it++) {
            List<String> expected = new ArrayList<>();
            for (String u : new java.util.TreeSet<>(ids)) if (UserSampler.keep(trainer.config().seed(), it, u, 0.3)) expected.add(u);
            assertEquals(expected, bern.sampledUsers(ids, it));
        }
        ReferenceTrainer.Result a = bern.metaTrain(initial, tasks, null);
        assertEquals(a.model().metaParameters(), bern.metaTrain(initial, tasks, null).model().metaParameters());
        assertTrue(a.log().get(0).users() > 5 && a.log().get(0).users() < 35, "about 30% of 60 users");
    }

    private static UserTask find(String id) {
        for (UserTask t : tasks) if (t.userId().equals(id)) return t;
        throw new AssertionError(id);
    }

    @Test
    void userSamplingIsAFunctionOfSeedIterationAndId() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) ids.add("user-" + i);
        List<String> a = UserSampler.sample(5, 3, ids, 100);
        List<String> reversed = new ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        assertEquals(a, UserSampler.sample(5, 3, reversed, 100));
        assertEquals(100, new HashSet<>(a).size());
        assertNotEquals(a, UserSampler.sample(5, 4, ids, 100));
        int kept = 0;
        for (String u : ids) if (UserSampler.keep(5, 3, u, 0.2)) kept++;
        assertEquals(200, kept, 40);
        Set<String> all = new HashSet<>(UserSampler.sample(5, 3, ids, 5000));
        assertEquals(1000, all.size());
    }

    @Test
    void perUserObjectiveDependsOnlyOnItsInputs() {
        MetaParameters params = initial.metaParameters();
        UserMetaObjective obj = new UserMetaObjective(params.dims(), initial.basis(), initial.config(), trainer.config().objective());
        UserTask t = tasks.get(3);
        UserGradient a = obj.evaluate(params, t, 11, 2);
        obj.evaluate(params, tasks.get(4), 11, 2);
        UserGradient b = obj.evaluate(params, t, 11, 2);
        assertEquals(a.loss(), b.loss());
        assertArrayEquals(a.gradient(), b.gradient());
        UserGradient c = obj.evaluate(params, t, 11, 3);
        assertTrue(a.contexts() != c.contexts() || a.loss() != c.loss() || !java.util.Arrays.equals(a.gradient(), c.gradient()),
                "a new iteration should draw new noise or a new k");
    }
}
