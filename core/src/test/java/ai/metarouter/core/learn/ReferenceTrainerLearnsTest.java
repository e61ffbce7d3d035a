package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.core.sim.UserSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference trainer learns. On the synthetic benchmark ({@code core.sim}) with simulated
 * in-distribution users: after meta-training, PGC@6 (method.md section 5) on 1,000 held-out users
 * is clearly above the untrained router's, for both kinds of context the router meets: the first
 * k feedback events of the user's own log (comparisons and rewards mixed, the spec's definition of
 * a context set), and k fresh comparisons only. "Clearly" means by more than three paired
 * bootstrap standard errors. Also, the adapted state separates users of low and high cost aversion.
 *
 * <p>The yardstick: realised true utility of the routed models on the test split, against the
 * population router (the predictor with the training users' mean lambda) and the known-preference
 * router (the predictor with the user's true utility).
 */
class ReferenceTrainerLearnsTest {
    private static final long SEED = 20260606L;
    private static final int HELD_OUT_USERS = 1000;
    private static SimulatedPopulation population;
    private static MetaRouterModel untrained;
    private static MetaRouterModel trained;
    private static List<SimulatedUser> heldOut;
    private static SimulatedPopulation.HeldOut testQueries;
    private static double populationLambda;

    @BeforeAll
    static void train() {
        population = new SimulatedPopulation(4000, SEED);
        List<SimulatedUser> trainUsers = population.users("train-", 400, UserSplit.ID);
        populationLambda = trainUsers.stream().mapToDouble(u -> u.profile().lambda()).average().orElseThrow();
        Map<String, List<InteractionEvent>> logs = population.logs(trainUsers);
        TrainerConfig cfg = TrainerConfig.defaults().withSeed(SEED).withOutcome(OutcomeTrainerConfig.defaults().withEpochs(15));
        ReferenceTrainer trainer = new ReferenceTrainer(cfg);
        untrained = trainer.initialModel(population.predictorQueries, population.catalog);
        List<UserTask> tasks = trainer.tasks(untrained, logs);
        ReferenceTrainer.Result result = trainer.metaTrain(untrained, tasks, line -> {
            if (line.iteration() % 50 == 0 || line.iteration() == cfg.iterations() - 1) {
                System.out.printf(Locale.ROOT, "iter %3d users %d loss %.4f ips %.4f ll %.4f H %.3f k %.1f |g| %.4f%n", line.iteration(),
                        line.users(), line.meanLoss(), line.meanIpsValue(), line.meanPairLogLikelihood(), line.meanEntropy(),
                        line.meanContexts(), line.gradNorm());
            }
        });
        trained = result.model();
        heldOut = population.users("heldout-", HELD_OUT_USERS, UserSplit.ID);
        testQueries = new SimulatedPopulation.HeldOut(population.table.split("test"), trained);
    }

    /** The first k feedback events of the user's own (freshly simulated) log. */
    private static List<Feedback> logPrefix(SimulatedUser u, int k) {
        List<Feedback> ctx = new ArrayList<>();
        for (InteractionEvent e : population.simulator.simulate(u)) {
            if (ctx.size() >= k) break;
            e.feedback().ifPresent(ctx::add);
        }
        return ctx;
    }

    /** k fresh comparisons. */
    private static List<Feedback> comparisons(SimulatedUser u, int k) {
        return new ArrayList<>(population.simulator.sampleContexts(u, k, "eval"));
    }

    private static List<SimulatedPopulation.UserResult> results(MetaRouterModel model, int k, BiFunction<SimulatedUser, Integer, List<Feedback>> contexts) {
        List<SimulatedPopulation.UserResult> out = new ArrayList<>(heldOut.size());
        for (SimulatedUser u : heldOut) out.add(population.evaluate(testQueries, u, model, contexts.apply(u, k), populationLambda));
        return out;
    }

    /** Bootstrap standard error of PGC(after) - PGC(before) over users (paired: same users, same contexts). */
    private static double pairedStandardError(List<SimulatedPopulation.UserResult> before, List<SimulatedPopulation.UserResult> after) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(SEED);
        int n = before.size();
        int reps = 400;
        double sum = 0;
        double sumSq = 0;
        List<SimulatedPopulation.UserResult> b = new ArrayList<>(n);
        List<SimulatedPopulation.UserResult> a = new ArrayList<>(n);
        for (int r = 0; r < reps; r++) {
            b.clear();
            a.clear();
            for (int i = 0; i < n; i++) {
                int j = rng.nextInt(n);
                b.add(before.get(j));
                a.add(after.get(j));
            }
            double diff = SimulatedPopulation.pgc(a) - SimulatedPopulation.pgc(b);
            sum += diff;
            sumSq += diff * diff;
        }
        double mean = sum / reps;
        return Math.sqrt(Math.max(0, sumSq / reps - mean * mean));
    }

    private static void checkClearlyAbove(String kind, BiFunction<SimulatedUser, Integer, List<Feedback>> contexts, double minGain) {
        for (int k : new int[] {0, 2, 4, 6, 8, 16}) {
            List<SimulatedPopulation.UserResult> before = results(untrained, k, contexts);
            List<SimulatedPopulation.UserResult> after = results(trained, k, contexts);
            System.out.printf(Locale.ROOT, "%-22s PGC@%-2d untrained %7.3f  trained %7.3f%n", kind, k,
                    SimulatedPopulation.pgc(before), SimulatedPopulation.pgc(after));
        }
        List<SimulatedPopulation.UserResult> before = results(untrained, 6, contexts);
        List<SimulatedPopulation.UserResult> after = results(trained, 6, contexts);
        double pgcBefore = SimulatedPopulation.pgc(before);
        double pgcAfter = SimulatedPopulation.pgc(after);
        double se = pairedStandardError(before, after);
        double pop = before.stream().mapToDouble(SimulatedPopulation.UserResult::population).average().orElseThrow();
        double known = before.stream().mapToDouble(SimulatedPopulation.UserResult::known).average().orElseThrow();
        System.out.printf(Locale.ROOT, "%-22s PGC@6 %.3f -> %.3f, gain %.3f (paired bootstrap SE %.3f); denominators: "
                + "U_population %.4f, U_known %.4f over %d users%n", kind, pgcBefore, pgcAfter, pgcAfter - pgcBefore, se, pop, known, heldOut.size());
        assertTrue(pgcAfter - pgcBefore > Math.max(3 * se, minGain),
                kind + ": PGC@6 " + pgcBefore + " -> " + pgcAfter + " (SE of the gain " + se + ")");
    }

    @Test
    void trainedRouterClosesMoreOfTheGapFromItsLogContexts() {
        checkClearlyAbove("log-prefix contexts", ReferenceTrainerLearnsTest::logPrefix, 0.15);
    }

    @Test
    void trainedRouterClosesMoreOfTheGapFromComparisonsAlone() {
        checkClearlyAbove("comparison contexts", ReferenceTrainerLearnsTest::comparisons, 0.05);
    }

    /** The adapted utility's exchange rate of quality for normalised cost (lambda for a linear user). */
    private static double effectiveLambda(MetaRouterModel model, List<? extends Feedback> ctx) {
        UserState state = model.adapt(ctx);
        var b = model.basis();
        double costSlope = (state.utility(b, 0.7, 0.9) - state.utility(b, 0.7, 0.1)) / 0.8;
        double qualitySlope = (state.utility(b, 0.95, 0.5) - state.utility(b, 0.55, 0.5)) / 0.4;
        return -costSlope / Math.max(qualitySlope, 1e-9);
    }

    @Test
    void adaptedStateSeparatesLowFromHighCostAversion() {
        List<Double> low = new ArrayList<>();
        List<Double> high = new ArrayList<>();
        List<double[]> zLow = new ArrayList<>();
        List<double[]> zHigh = new ArrayList<>();
        for (SimulatedUser u : population.users("aversion-", 600, UserSplit.ID)) {
            double lambda = ((UtilityProfile.Linear) u.profile()).lambda();
            if (lambda > 0.2 && lambda < 0.8) continue;
            List<Feedback.Pairwise> ctx = population.simulator.sampleContexts(u, 6, "aversion");
            (lambda <= 0.2 ? low : high).add(effectiveLambda(trained, ctx));
            (lambda <= 0.2 ? zLow : zHigh).add(trained.latent(ctx));
        }
        double aucTheta = auc(low, high);
        // z: project on the difference of class means of one half, score the other half.
        int zd = zLow.get(0).length;
        double[] dir = new double[zd];
        for (int i = 0; i < zLow.size() / 2; i++) for (int j = 0; j < zd; j++) dir[j] -= zLow.get(i)[j] / (zLow.size() / 2);
        for (int i = 0; i < zHigh.size() / 2; i++) for (int j = 0; j < zd; j++) dir[j] += zHigh.get(i)[j] / (zHigh.size() / 2);
        List<Double> pl = new ArrayList<>();
        List<Double> ph = new ArrayList<>();
        for (int i = zLow.size() / 2; i < zLow.size(); i++) pl.add(dot(dir, zLow.get(i)));
        for (int i = zHigh.size() / 2; i < zHigh.size(); i++) ph.add(dot(dir, zHigh.get(i)));
        double aucZ = auc(pl, ph);
        double meanLow = low.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double meanHigh = high.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf(Locale.ROOT, "cost aversion, lambda<=0.2 (%d users) vs lambda>=0.8 (%d users), 6 comparisons: "
                        + "mean effective lambda of theta' %.3f vs %.3f, AUC(theta') %.3f, AUC(z projection, held-out half) %.3f%n",
                low.size(), high.size(), meanLow, meanHigh, aucTheta, aucZ);
        assertTrue(aucTheta > 0.85, "theta' does not separate cost aversion: AUC " + aucTheta);
        assertTrue(aucZ > 0.75, "z does not separate cost aversion: AUC " + aucZ);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** P(score of a high-aversion user > score of a low one). */
    private static double auc(List<Double> low, List<Double> high) {
        double wins = 0;
        for (double h : high) for (double l : low) wins += h > l ? 1 : h == l ? 0.5 : 0;
        return wins / ((double) low.size() * high.size());
    }
}
