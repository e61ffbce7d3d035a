package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.UtilityProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policies and their statistics on a tiny world where every figure can be checked by
 * construction or by hand.
 */
class PoliciesTest {
    private static TinyWorld world;
    private static List<UserResult> results;

    @BeforeAll
    static void score() {
        world = new TinyWorld(true);
        UserEvaluator evaluator = world.evaluator();
        results = new ArrayList<>();
        for (EvalUser u : world.users) results.add(evaluator.evaluate(u));
    }

    @Test
    void greedyRoutingSplitsTiesAndScoresTrueOutcomes() {
        // 2 queries x 3 arms; arm scores tie on the first query between arms 0 and 2.
        int[] rows = {0, 1};
        boolean[] pool = {true, true, true};
        double[] util = {1, 5, 3, 2, 0, 9};
        double[] quality = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
        double[] cost = {1, 2, 3, 4, 5, 6};
        double[][] scores = {{7, 1, 7}, {0, 1, 2}};
        Outcomes o = GreedyRouting.route((s, row, a) -> scores[s][a], rows, pool, util, quality, cost);
        assertEquals(((1 + 3) / 2.0 + 9) / 2, o.utility(), 1e-12);
        assertEquals(((0.1 + 0.3) / 2 + 0.6) / 2, o.quality(), 1e-12);
        assertEquals(((1 + 3) / 2.0 + 6) / 2, o.costUsd(), 1e-12);
        // Masking arm 2 out: arm 0 wins query 0, arm 1 wins query 1.
        Outcomes masked = GreedyRouting.route((s, row, a) -> scores[s][a], rows, new boolean[] {true, true, false}, util, quality, cost);
        assertEquals((1 + 0) / 2.0, masked.utility(), 1e-12);
    }

    @Test
    void oracleBoundsEveryPolicyPerUserAndHasFullShare() {
        ResultLayout layout = world.layout();
        int[] ks = world.settings.ks();
        for (UserResult r : results) {
            double oracle = r.utility()[layout.indexOf(0, Policy.ORACLE, ks[0])];
            for (Policy p : Policy.values()) {
                for (int k : ks) assertTrue(r.utility()[layout.indexOf(0, p, k)] <= oracle + 1e-12, p + " beats the oracle for " + r.userId());
            }
        }
        Map<Aggregation.Key, Aggregation.Cell> cells = Aggregation.aggregate(results, layout, world.variants, 50, 1L);
        for (String split : List.of("id", "ood")) {
            for (int k : ks) {
                assertEquals(1.0, cells.get(new Aggregation.Key(0, Policy.ORACLE, k, split)).oracleShare(), 1e-12);
                assertEquals(0.0, cells.get(new Aggregation.Key(0, Policy.POPULATION, k, split)).pgc(), 1e-12);
                assertEquals(1.0, cells.get(new Aggregation.Key(0, Policy.KNOWN_PREFERENCE, k, split)).pgc(), 1e-12);
                Aggregation.Cell oracle = cells.get(new Aggregation.Key(0, Policy.ORACLE, k, split));
                Aggregation.Cell known = cells.get(new Aggregation.Key(0, Policy.KNOWN_PREFERENCE, k, split));
                assertTrue(oracle.utility() >= known.utility());
            }
        }
    }

    @Test
    void fixedRulesMatchHandComputation() {
        ResultLayout layout = world.layout();
        QueryPanel panel = world.panel;
        int nA = panel.numArms();
        int cheapest = 0;
        int strongest = 0;
        for (int a = 1; a < nA; a++) {
            if (panel.meanCost()[a] < panel.meanCost()[cheapest]) cheapest = a;
            if (panel.trainQuality()[a] > panel.trainQuality()[strongest]) strongest = a;
        }
        CostScale scale = panel.costScale();
        for (int i = 0; i < world.users.size(); i++) {
            UtilityProfile profile = world.users.get(i).utility();
            double random = 0;
            double cheap = 0;
            double strong = 0;
            double[] perArm = new double[nA];
            for (int row : panel.scoringRows()) {
                for (int a = 0; a < nA; a++) {
                    double u = profile.utility(panel.quality(row, a), panel.cost(row, a), scale);
                    random += u / nA;
                    perArm[a] += u;
                }
                cheap += profile.utility(panel.quality(row, cheapest), panel.cost(row, cheapest), scale);
                strong += profile.utility(panel.quality(row, strongest), panel.cost(row, strongest), scale);
            }
            int n = panel.scoringRows().length;
            double best = Double.NEGATIVE_INFINITY;
            for (double v : perArm) best = Math.max(best, v / n);
            UserResult r = results.get(i);
            assertEquals(random / n, r.utility()[layout.indexOf(0, Policy.RANDOM, 0)], 1e-9);
            assertEquals(cheap / n, r.utility()[layout.indexOf(0, Policy.CHEAPEST, 0)], 1e-9);
            assertEquals(strong / n, r.utility()[layout.indexOf(0, Policy.STRONGEST, 0)], 1e-9);
            assertEquals(best, r.utility()[layout.indexOf(0, Policy.BEST_SINGLE, 0)], 1e-9);
        }
    }

    @Test
    void learnersWithoutFeedbackFallBackAsDocumented() {
        ResultLayout layout = world.layout();
        for (UserResult r : results) {
            // No rounds: every arm ties for the bandits, which is the random policy.
            assertEquals(r.utility()[layout.indexOf(0, Policy.RANDOM, 0)], r.utility()[layout.indexOf(0, Policy.LINUCB, 0)], 1e-12);
            assertEquals(r.utility()[layout.indexOf(0, Policy.RANDOM, 0)], r.utility()[layout.indexOf(0, Policy.THOMPSON, 0)], 1e-12);
            // No contexts: the encoder bypass changes nothing.
            assertEquals(r.utility()[layout.indexOf(0, Policy.METAROUTER, 0)],
                    r.utility()[layout.indexOf(0, Policy.METAROUTER_NO_ENCODER, 0)], 1e-12);
        }
    }

    /** The user's first k actively elicited comparisons over the whole pool. */
    private static List<Feedback.Pairwise> active(EvalUser u, int k) {
        QueryPanel.Predictions pred = world.panel.predictions().get(0);
        boolean[] pool = new boolean[world.panel.numArms()];
        java.util.Arrays.fill(pool, true);
        return world.evaluator().activeContexts(u, world.model, pool, pred.qualityHat(), pred.costUsdHat(), k);
    }

    @Test
    void activeElicitationAsksDistinctComparisonsAnsweredOnTheTrueOutcomes() {
        ResultLayout layout = world.layout();
        int kMax = world.settings.ks()[world.settings.ks().length - 1];
        for (EvalUser u : world.users) {
            List<Feedback.Pairwise> active = active(u, kMax);
            assertEquals(active, active(u, kMax), "deterministic");
            java.util.Set<String> asked = new java.util.HashSet<>();
            java.util.Set<Integer> rows = new java.util.HashSet<>();
            for (int r : u.ctxRow()) rows.add(r);
            for (Feedback.Pairwise c : active) {
                int row = Integer.parseInt(c.query().substring("row-".length()));
                assertTrue(rows.contains(row), "asked about a query outside the user's context queries: " + row);
                int a = world.panel.arms().indexOf(c.a().model());
                int b = world.panel.arms().indexOf(c.b().model());
                assertTrue(a < b, "pairs are presented in arm order");
                assertTrue(asked.add(row + ":" + a + ":" + b), "asked twice: " + row + ":" + a + ":" + b);
                assertEquals(world.panel.quality(row, a), c.a().quality(), 0.0);
                assertEquals(world.panel.cost(row, b), c.b().costUsd(), 0.0);
            }
            // With no comparisons asked yet the two protocols are the same router.
            UserResult r = results.get(world.users.indexOf(u));
            assertEquals(r.utility()[layout.indexOf(0, Policy.METAROUTER, 0)], r.utility()[layout.indexOf(0, Policy.METAROUTER_ACTIVE, 0)], 0.0);
            assertEquals(r.utility()[layout.indexOf(0, Policy.PER_USER_FIT, 0)], r.utility()[layout.indexOf(0, Policy.PER_USER_FIT_ACTIVE, 0)], 0.0);
        }
    }

    @Test
    void activeElicitationStopsWhenEveryComparisonWasAsked() {
        // A two-model pool offers one comparison per context query: asking for more returns what there is.
        QueryPanel.Predictions pred = world.panel.predictions().get(0);
        boolean[] pool = new boolean[world.panel.numArms()];
        pool[0] = true;
        pool[1] = true;
        EvalUser u = world.users.get(0);
        long rows = java.util.Arrays.stream(u.ctxRow()).distinct().count();
        List<Feedback.Pairwise> all = world.evaluator().activeContexts(u, world.model, pool, pred.qualityHat(), pred.costUsdHat(),
                (int) rows + 5);
        assertTrue(all.size() <= rows, all.size() + " comparisons from " + rows + " queries and one pair");
        assertEquals(all.size(), all.stream().map(Feedback.Pairwise::query).distinct().count(), "a query twice with the only pair");
    }

    @Test
    void activeElicitationChoosesTheMostInformativeFirstComparison() {
        EvalUser u = world.users.get(0);
        Feedback.Pairwise first = active(u, 1).get(0);
        QueryPanel.Predictions pred = world.panel.predictions().get(0);
        ai.metarouter.core.model.PreferencePosterior prior = world.model.posterior(List.of());
        int nA = world.panel.numArms();
        double[] qh = pred.qualityHat();
        double[] cu = pred.costUsdHat();
        double best = 0;
        double chosen = Double.NaN;
        for (int row : u.ctxRow()) {
            for (int a = 0; a < nA; a++) {
                for (int b = a + 1; b < nA; b++) {
                    if (Double.isNaN(qh[row * nA + a]) || Double.isNaN(qh[row * nA + b])) continue;
                    double info = ai.metarouter.core.elicit.ComparisonPlanner.expectedInformation(prior,
                            ai.metarouter.core.elicit.ComparisonPlanner.candidate(world.model.basis(), world.model.costScale(),
                                    world.panel.binaryQuality(), qh[row * nA + a], cu[row * nA + a], qh[row * nA + b], cu[row * nA + b]));
                    best = Math.max(best, info);
                    if (first.query().equals("row-" + row) && first.a().model().equals(world.panel.arms().get(a))
                            && first.b().model().equals(world.panel.arms().get(b))) {
                        chosen = info;
                    }
                }
            }
        }
        assertTrue(best > 0, "some comparison must be informative");
        assertEquals(best, chosen, 0.0);
    }

    @Test
    void routersThetaIsTheServingModelsAdaptation() {
        Routers routers = new Routers(world.payloads, world.settings);
        EvalUser u = world.users.get(0);
        List<Feedback.Pairwise> ctx = u.contexts(4, world.panel);
        assertArrayEquals(world.model.adapt(ctx).theta(), routers.theta(Policy.METAROUTER, ctx));
        assertArrayEquals(world.model.adapt(ctx).theta(), routers.model(0).adapt(ctx).theta());
    }

    @Test
    void evaluationIsDeterministic() {
        UserEvaluator again = world.evaluator();
        for (int i = 0; i < 3; i++) {
            UserResult a = results.get(i);
            UserResult b = again.evaluate(world.users.get(i));
            assertArrayEquals(a.utility(), b.utility());
            assertArrayEquals(a.cost(), b.cost());
        }
    }

    @Test
    void sweepsRunOnlyForSweepUsers() {
        ResultLayout layout = world.layout();
        int sweepVariant = 1;
        for (int i = 0; i < results.size(); i++) {
            double v = results.get(i).utility()[layout.indexOf(sweepVariant, Policy.METAROUTER, world.settings.sweepK())];
            assertEquals(world.users.get(i).sweeps(), !Double.isNaN(v));
        }
    }

    @Test
    void preferenceFitRecoversLambdaAndIsDefinedWithoutData() {
        assertEquals(1.0, PreferenceFit.fitLambda(new double[0], new double[0], 0), 1e-9);
        CostScale scale = new CostScale(Math.log(1e-4), Math.log(1e-2));
        UtilityProfile truth = new UtilityProfile.Linear(0.4);
        SplittableRandom rng = new SplittableRandom(3);
        List<Feedback.Pairwise> ctx = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Outcome a = new Outcome("a", rng.nextDouble(), Math.exp(Math.log(1e-4) + rng.nextDouble() * Math.log(100)));
            Outcome b = new Outcome("b", rng.nextDouble(), Math.exp(Math.log(1e-4) + rng.nextDouble() * Math.log(100)));
            double pa = 1 / (1 + Math.exp(-10 * (truth.utility(a.quality(), a.costUsd(), scale) - truth.utility(b.quality(), b.costUsd(), scale))));
            ctx.add(new Feedback.Pairwise("q", a, b, rng.nextDouble() < pa));
        }
        assertEquals(0.4, PreferenceFit.fitLambda(ctx, scale), 0.1);
    }

    @Test
    void bayesPosteriorMeanIsThePriorMeanWithoutDataAndMovesWithEvidence() {
        double lo = 0.1;
        double hi = 1.5;
        // Mean of a log-uniform on [lo, hi] is (hi - lo) / ln(hi / lo); the 96-point grid is within 1%.
        assertEquals((hi - lo) / Math.log(hi / lo), PreferenceFit.posteriorMeanLambda(new double[0], new double[0], 0, lo, hi, 10, 0.3), 0.01);
        // The winner was dearer by 0.5 of the cost range for 0.2 more quality, twice: lambda < 0.4 is favoured.
        double lean = PreferenceFit.posteriorMeanLambda(new double[] {0.2, 0.2}, new double[] {0.5, 0.5}, 2, lo, hi, 10, 0.3);
        assertTrue(lean < (hi - lo) / Math.log(hi / lo), "posterior mean " + lean);
    }

    @Test
    void banditMeanIsTheRidgeSolution() {
        LinearBandit b = new LinearBandit(2, 1.0);
        b.update(new double[] {1, 0}, 2.0);
        b.update(new double[] {1, 1}, 3.0);
        // A = I + [[2,1],[1,1]] = [[3,1],[1,2]], b = [5,3]; A^-1 b = [7/5, 4/5].
        assertArrayEquals(new double[] {1.4, 0.8}, b.meanWeights(), 1e-12);
        assertEquals(0, b.chooseUcb(new double[] {1, 0, 0, 1}, 2, 0.0));
    }

    @Test
    void modelPayloadRoundTripsBitIdentically() {
        ModelPayload p = ModelPayload.of(world.model);
        ModelPayload back = JavaBytes.read(JavaBytes.write(p));
        assertEquals(world.model.toBlocks().keySet(), back.toModel().toBlocks().keySet());
        var x = world.model.featurize(world.table.query(0).prompt());
        assertArrayEquals(world.model.scores(x, world.arms, world.model.prior()), back.toModel().scores(x, world.arms, world.model.prior()));
    }
}
