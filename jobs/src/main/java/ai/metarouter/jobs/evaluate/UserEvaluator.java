package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.elicit.ComparisonPlanner;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.UtilityBasis;
import ai.metarouter.core.sim.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Scores one held-out user under every pool variant and policy: a pure function of the panel, the
 * routers, the settings and the user (no I/O, no shared state), so Spark can run it anywhere and a
 * test can run it by hand. Every policy sees the same scored queries and the same first-k contexts;
 * the bandits play their k rounds on the queries of those same contexts.
 */
public final class UserEvaluator {
    private final QueryPanel panel;
    private final Routers routers;
    private final List<PoolVariant> variants;
    private final ResultLayout layout;
    private final EvalSettings settings;
    private final CostScale scale;
    private final int nA;
    private final int[] rows;
    private final double[] trainQuality;

    public UserEvaluator(QueryPanel panel, Routers routers, List<PoolVariant> variants, ResultLayout layout, EvalSettings settings) {
        this.panel = panel;
        this.routers = routers;
        this.variants = variants;
        this.layout = layout;
        this.settings = settings;
        this.scale = panel.costScale();
        this.nA = panel.numArms();
        this.rows = panel.scoringRows();
        this.trainQuality = panel.trainQuality();
    }

    public UserResult evaluate(EvalUser user) {
        UtilityProfile profile = user.utility();
        int n = layout.size();
        double[] u = new double[n];
        double[] q = new double[n];
        double[] c = new double[n];
        Arrays.fill(u, Double.NaN);
        Arrays.fill(q, Double.NaN);
        Arrays.fill(c, Double.NaN);
        double[] util = new double[rows.length * nA];
        for (int s = 0; s < rows.length; s++) {
            for (int a = 0; a < nA; a++) util[s * nA + a] = profile.utility(panel.quality(rows[s], a), panel.cost(rows[s], a), scale);
        }
        // Contexts and everything derived from them alone are shared by all variants.
        Map<Integer, List<Feedback.Pairwise>> contexts = new HashMap<>();
        Map<String, double[]> fitTheta = new HashMap<>();
        Map<String, double[]> metaTheta = new HashMap<>();
        Map<Integer, double[]> known = new HashMap<>();
        int d = routers.model(0).basis().dimension();
        List<Feedback.Pairwise> active = null;

        for (int v = 0; v < variants.size(); v++) {
            PoolVariant variant = variants.get(v);
            if (!variant.isMain() && !user.sweeps()) continue;
            boolean[] pool = pool(variant, user);
            int m = variant.model();
            MetaRouterModel router = routers.model(m);
            UtilityBasis basis = router.basis();
            QueryPanel.Predictions pred = panel.predictions().get(m);
            double[] qh = pred.qualityHat();
            double[] ch = pred.costScaleHat();
            double[] cu = pred.costUsdHat();
            int[] ks = variant.isMain() ? settings.ks() : new int[] {settings.sweepK()};
            List<Policy> policies = variant.isMain() ? List.of(Policy.values()) : Policy.SWEEP;

            // Fixed rules and hindsight policies: one figure, written at every k.
            double[] meanUtil = new double[nA];
            for (int s = 0; s < rows.length; s++) for (int a = 0; a < nA; a++) meanUtil[a] += util[s * nA + a];
            double[] negCost = new double[nA];
            for (int a = 0; a < nA; a++) negCost[a] = -panel.meanCost()[a];
            Map<Policy, Outcomes> fixed = new HashMap<>();
            fixed.put(Policy.RANDOM, GreedyRouting.route((s, row, a) -> 0.0, rows, pool, util, panel.quality(), panel.cost()));
            fixed.put(Policy.CHEAPEST, GreedyRouting.fixedArm(GreedyRouting.argmax(negCost, pool), rows, pool, util, panel.quality(), panel.cost()));
            fixed.put(Policy.STRONGEST, GreedyRouting.fixedArm(GreedyRouting.argmax(trainQuality, pool), rows, pool, util, panel.quality(), panel.cost()));
            fixed.put(Policy.BEST_SINGLE, GreedyRouting.fixedArm(GreedyRouting.argmax(meanUtil, pool), rows, pool, util, panel.quality(), panel.cost()));
            fixed.put(Policy.ORACLE, GreedyRouting.route((s, row, a) -> util[s * nA + a], rows, pool, util, panel.quality(), panel.cost()));
            double[] pop = panel.populationScores(m, user.split());
            fixed.put(Policy.POPULATION, GreedyRouting.route((s, row, a) -> pop[s * nA + a], rows, pool, util, panel.quality(), panel.cost()));
            double[] kp = known.computeIfAbsent(m, key -> knownScores(profile, qh, cu));
            fixed.put(Policy.KNOWN_PREFERENCE, GreedyRouting.route((s, row, a) -> kp[s * nA + a], rows, pool, util, panel.quality(), panel.cost()));

            // Bandits: one pass of kMax rounds, the posterior mean kept at every k asked for.
            Map<Integer, double[]> ucb = policies.contains(Policy.LINUCB) ? banditMeans(user, variant, pool, profile, qh, ch, basis, ks, false) : Map.of();
            Map<Integer, double[]> ts = policies.contains(Policy.THOMPSON) ? banditMeans(user, variant, pool, profile, qh, ch, basis, ks, true) : Map.of();

            if (variant.isMain() && active == null) active = activeContexts(user, router, pool, qh, cu, ks[ks.length - 1]);
            List<Feedback.Pairwise> activeAll = active;

            for (Policy p : policies) {
                for (int k : ks) {
                    int slot = layout.indexOf(v, p, k);
                    Outcomes o;
                    if (fixed.containsKey(p)) {
                        o = fixed.get(p);
                    } else {
                        double[] theta = switch (p) {
                            case PER_USER_FIT -> fitTheta.computeIfAbsent(m + "@" + k, key ->
                                    PreferenceFit.theta(PreferenceFit.fitLambda(ctx(contexts, user, k), router.costScale()), d));
                            case LINUCB -> ucb.get(k);
                            case THOMPSON -> ts.get(k);
                            case BAYES_ID_PRIOR -> fitTheta.computeIfAbsent("bayes" + m + "@" + k, key -> {
                                double[][] diff = PreferenceFit.differences(ctx(contexts, user, k), router.costScale());
                                double[] pr = settings.idPrior();
                                return PreferenceFit.theta(PreferenceFit.posteriorMeanLambda(diff[0], diff[1], k, pr[0], pr[1], pr[2], pr[3]), d);
                            });
                            case METAROUTER_ACTIVE -> router.adapt(activeAll.subList(0, Math.min(k, activeAll.size()))).theta();
                            case PER_USER_FIT_ACTIVE -> PreferenceFit.theta(PreferenceFit.fitLambda(activeAll.subList(0, Math.min(k, activeAll.size())), router.costScale()), d);
                            case BAYES_ID_PRIOR_ACTIVE -> {
                                double[][] diff = PreferenceFit.differences(activeAll.subList(0, Math.min(k, activeAll.size())), router.costScale());
                                double[] pr = settings.idPrior();
                                yield PreferenceFit.theta(PreferenceFit.posteriorMeanLambda(diff[0], diff[1], diff[0].length, pr[0], pr[1], pr[2],
                                        pr[3]), d);
                            }
                            case METAROUTER -> m == 0 ? metaTheta.computeIfAbsent(p + "@" + k, key -> routers.theta(p, ctx(contexts, user, k)))
                                    : router.adapt(ctx(contexts, user, k)).theta();
                            default -> metaTheta.computeIfAbsent(p + "@" + k, key -> routers.theta(p, ctx(contexts, user, k)));
                        };
                        o = GreedyRouting.route((s, row, a) -> basis.utility(theta, 0, qh[row * nA + a], ch[row * nA + a]),
                                rows, pool, util, panel.quality(), panel.cost());
                    }
                    u[slot] = o.utility();
                    q[slot] = o.quality();
                    c[slot] = o.costUsd();
                }
            }
        }
        return new UserResult(user.userId(), user.split(), user.family(), u, q, c);
    }

    private List<Feedback.Pairwise> ctx(Map<Integer, List<Feedback.Pairwise>> cache, EvalUser user, int k) {
        return cache.computeIfAbsent(k, kk -> user.contexts(kk, panel));
    }

    /**
     * The comparisons MetaRouter asks this user for, in order (kMax of them; the first k are "k
     * active contexts", nested by construction). Candidates: every pair of pool models measured on
     * each of the user's context queries (the queries the random protocol draws its pairs from),
     * described to the planner by the predictor's q^ and cost, never by the true outcomes. Each
     * step takes the candidate with the most expected information under the posterior after the
     * previous answers; the user answers on the true outcomes with the Bradley-Terry model of
     * the random protocol (seeded per user). A (query, pair) is asked at most once.
     */
    List<Feedback.Pairwise> activeContexts(EvalUser user, MetaRouterModel router, boolean[] pool, double[] qh, double[] cu, int kMax) {
        UtilityProfile profile = user.utility();
        int[] ctxRows = Arrays.stream(user.ctxRow()).distinct().toArray();
        // The planner's grid: the user's context queries x all arms, q^ NaN (never asked) outside the pool
        // or where the outcome table did not measure the arm (the user could not be shown its answer).
        double[] qGrid = new double[ctxRows.length * nA];
        double[] cGrid = new double[ctxRows.length * nA];
        for (int i = 0; i < ctxRows.length; i++) {
            int row = ctxRows[i];
            for (int a = 0; a < nA; a++) {
                boolean askable = pool[a] && !Double.isNaN(panel.quality(row, a));
                qGrid[i * nA + a] = askable ? qh[row * nA + a] : Double.NaN;
                cGrid[i * nA + a] = cu[row * nA + a];
            }
        }
        java.util.Set<Long> asked = new java.util.HashSet<>();
        ComparisonPlanner.Asked already = (q, a, b) -> asked.contains(((long) q * nA + a) * nA + b);
        SplittableRandom rng = Seeds.random(settings.seed(), "active", user.userId());
        List<Feedback.Pairwise> out = new ArrayList<>(kMax);
        for (int t = 0; t < kMax; t++) {
            java.util.Optional<ComparisonPlanner.Question> next = ComparisonPlanner.mostInformative(router.posterior(out), router.basis(),
                    router.costScale(), panel.binaryQuality(), ctxRows.length, nA, qGrid, cGrid, already);
            if (next.isEmpty()) break;
            ComparisonPlanner.Question question = next.get();
            asked.add(((long) question.query() * nA + question.a()) * nA + question.b());
            int row = ctxRows[question.query()];
            Outcome a = new Outcome(panel.arms().get(question.a()), panel.quality(row, question.a()), panel.cost(row, question.a()));
            Outcome b = new Outcome(panel.arms().get(question.b()), panel.quality(row, question.b()), panel.cost(row, question.b()));
            double pA = Seeds.sigmoid(user.beta() * (profile.utility(a.quality(), a.costUsd(), scale)
                    - profile.utility(b.quality(), b.costUsd(), scale)));
            out.add(new Feedback.Pairwise("row-" + row, a, b, rng.nextDouble() < pA));
        }
        return out;
    }

    /** E[U | q^, c^] of every (scored query, arm); NaN-predicted arms get -inf (never chosen). */
    private double[] knownScores(UtilityProfile profile, double[] qh, double[] cu) {
        double[] out = new double[rows.length * nA];
        for (int s = 0; s < rows.length; s++) {
            for (int a = 0; a < nA; a++) {
                double qv = qh[rows[s] * nA + a];
                out[s * nA + a] = Double.isNaN(qv) ? Double.NEGATIVE_INFINITY
                        : QueryPanel.expectedUtility(profile, scale, panel.binaryQuality(), qv, cu[rows[s] * nA + a]);
            }
        }
        return out;
    }

    /** The pool of a variant for this user: fixed, or a seeded random subset of the arms. */
    boolean[] pool(PoolVariant variant, EvalUser user) {
        if (variant.pool() != null) return variant.pool();
        SplittableRandom rng = Seeds.random(settings.seed(), "pool", user.userId(), String.valueOf(variant.randomSize()),
                String.valueOf(variant.replicate()));
        int[] idx = new int[nA];
        for (int a = 0; a < nA; a++) idx[a] = a;
        boolean[] pool = new boolean[nA];
        int size = Math.min(variant.randomSize(), nA);
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(nA - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            pool[idx[i]] = true;
        }
        return pool;
    }

    /**
     * LinUCB or Thompson over kMax rounds on the contexts' queries: each round the bandit picks a
     * pool arm measured on that query and observes the user's true utility of its real outcome.
     * Returns the posterior mean after k rounds for each k in {@code ks}.
     */
    private Map<Integer, double[]> banditMeans(EvalUser user, PoolVariant variant, boolean[] pool, UtilityProfile profile,
                                               double[] qh, double[] ch, UtilityBasis basis, int[] ks, boolean thompson) {
        int d = basis.dimension();
        LinearBandit bandit = new LinearBandit(d, settings.ridge());
        Map<Integer, double[]> out = new HashMap<>();
        int kMax = ks[ks.length - 1];
        long seed = Seeds.of(settings.seed(), "thompson", user.userId(), variant.name());
        double[] x = new double[nA * d];
        int[] arm = new int[nA];
        for (int round = 0; round <= kMax; round++) {
            for (int k : ks) if (k == round) out.put(k, bandit.meanWeights());
            if (round == kMax) break;
            int row = user.ctxRow()[round];
            int n = 0;
            for (int a = 0; a < nA; a++) {
                double qv = qh[row * nA + a];
                if (!pool[a] || Double.isNaN(qv) || Double.isNaN(panel.quality(row, a))) continue;
                basis.value(qv, ch[row * nA + a], x, n * d);
                arm[n++] = a;
            }
            if (n == 0) continue;
            int pick = thompson ? bandit.chooseThompson(x, n, settings.thompsonScale(), Seeds.of(seed, "round", round))
                    : bandit.chooseUcb(x, n, settings.ucbAlpha());
            double reward = profile.utility(panel.quality(row, arm[pick]), panel.cost(row, arm[pick]), scale);
            bandit.update(Arrays.copyOfRange(x, pick * d, pick * d + d), reward);
        }
        return out;
    }
}
