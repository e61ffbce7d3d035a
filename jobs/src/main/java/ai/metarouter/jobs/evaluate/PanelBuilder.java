package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Driver-side preparation, pure Java: the {@link QueryPanel} (true outcomes, each router's
 * predictions, population-router scores) and the held-out users with their contexts.
 *
 * <p>Held-out users are drawn from the same profile distribution as training users but under ids
 * of their own namespace ({@code heldout-<split>-<n>}), and a user's profile is seeded by
 * (seed, split, user id), so no held-out user is a training user. Their feedback contexts come from
 * {@link UserSimulator#sampleContexts} on the train split's queries (stream {@code evaluate}): the
 * scored test queries are never shown to any policy as feedback.
 */
public final class PanelBuilder {
    /** Id namespace of held-out users. */
    public static final String USER_PREFIX = "heldout";
    /** Id namespace of the population router's reference users. */
    public static final String REFERENCE_PREFIX = "popref";

    private PanelBuilder() {}

    /** The arms of the evaluation: router 0's arms that the outcome table has, in router order. */
    public static List<String> arms(MetaRouterModel artifact, OutcomeTable table) {
        List<String> arms = new ArrayList<>();
        for (String id : artifact.predictor().armIds()) if (table.modelIndex(id) >= 0) arms.add(id);
        if (arms.size() < 2) throw new IllegalArgumentException("the artifact and the outcome table share fewer than 2 models: " + arms);
        return arms;
    }

    /**
     * @param table the whole outcome table (train and test rows), restricted to {@code arms}
     * @param routers router 0 is the artifact; the others are sweep routers (may lack arms)
     * @param populationUsers reference users per split the population router averages over
     */
    public static QueryPanel panel(OutcomeTable table, ModelCatalog catalog, List<String> arms, List<MetaRouterModel> routers,
                                   ProfileDistribution.Config profiles, int populationUsers, long seed) {
        OutcomeTable t = table.withModels(arms);
        int nQ = t.numQueries();
        int nA = arms.size();
        double[] quality = new double[nQ * nA];
        double[] cost = new double[nQ * nA];
        boolean binary = true;
        List<Integer> scoring = new ArrayList<>();
        double[] trainSum = new double[nA];
        int[] trainN = new int[nA];
        boolean hasTrain = false;
        for (int i = 0; i < nQ; i++) {
            boolean complete = true;
            boolean train = t.query(i).split().equals("train");
            hasTrain |= train;
            for (int a = 0; a < nA; a++) {
                quality[i * nA + a] = t.quality(i, a);
                cost[i * nA + a] = t.cost(i, a);
                if (!t.has(i, a)) {
                    complete = false;
                    continue;
                }
                double q = t.quality(i, a);
                if (q != 0.0 && q != 1.0) binary = false;
                if (train) {
                    trainSum[a] += q;
                    trainN[a]++;
                }
            }
            if (complete && t.query(i).split().equals("test")) scoring.add(i);
        }
        if (scoring.isEmpty()) throw new IllegalArgumentException("the outcome table has no test query with outcomes from every model " + arms);
        double[] trainQuality = new double[nA];
        double[] meanCost = new double[nA];
        for (int a = 0; a < nA; a++) {
            trainQuality[a] = hasTrain && trainN[a] > 0 ? trainSum[a] / trainN[a] : t.meanQuality(a);
            String id = arms.get(a);
            meanCost[a] = catalog.find(id).map(m -> m.meanCostUsd()).orElse(t.meanCost(a));
        }
        int[] rows = scoring.stream().mapToInt(Integer::intValue).toArray();
        CostScale scale = catalog.costScale();

        List<QueryPanel.Predictions> predictions = new ArrayList<>();
        for (MetaRouterModel r : routers) predictions.add(predict(r, t, arms));

        ProfileDistribution dist = new ProfileDistribution(profiles, scale, seed);
        List<QueryPanel.PopulationScores> population = new ArrayList<>();
        for (UserSplit split : UserSplit.values()) {
            List<UtilityProfile> reference = new ArrayList<>();
            for (int j = 0; j < populationUsers; j++) {
                reference.add(dist.draw(String.format(Locale.ROOT, "%s-%s-%06d", REFERENCE_PREFIX, split.wireName(), j), split).profile());
            }
            for (int m = 0; m < routers.size(); m++) {
                QueryPanel.Predictions p = predictions.get(m);
                double[] scores = new double[rows.length * nA];
                for (int s = 0; s < rows.length; s++) {
                    for (int a = 0; a < nA; a++) {
                        double qh = p.qualityHat()[rows[s] * nA + a];
                        if (Double.isNaN(qh)) {
                            scores[s * nA + a] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double ch = p.costUsdHat()[rows[s] * nA + a];
                        double sum = 0;
                        for (UtilityProfile u : reference) sum += QueryPanel.expectedUtility(u, scale, binary, qh, ch);
                        scores[s * nA + a] = sum / reference.size();
                    }
                }
                population.add(new QueryPanel.PopulationScores(m, split.wireName(), scores));
            }
        }
        return new QueryPanel(List.copyOf(arms), quality, cost, meanCost, trainQuality, rows, scale.lnLo(), scale.lnHi(), binary,
                predictions, population);
    }

    /** A router's predictions over every row of {@code t}; arms it does not know are NaN. */
    static QueryPanel.Predictions predict(MetaRouterModel router, OutcomeTable t, List<String> arms) {
        int nQ = t.numQueries();
        int nA = arms.size();
        OutcomePredictor predictor = router.predictor();
        int[] known = new int[nA];
        int[] armIdx = new int[nA];
        int n = 0;
        for (int a = 0; a < nA; a++) {
            int idx = predictor.armIndex(arms.get(a));
            if (idx >= 0) {
                known[n] = a;
                armIdx[n++] = idx;
            }
        }
        int[] knownArms = Arrays.copyOf(armIdx, n);
        double[] qh = new double[nQ * nA];
        double[] ch = new double[nQ * nA];
        double[] cs = new double[nQ * nA];
        Arrays.fill(qh, Double.NaN);
        Arrays.fill(ch, Double.NaN);
        Arrays.fill(cs, Double.NaN);
        double[] q = new double[n];
        double[] c = new double[n];
        for (int i = 0; i < nQ; i++) {
            QueryFeatures x = router.featurize(t.query(i).prompt());
            router.predictor().predict(x, knownArms, q, c);
            for (int j = 0; j < n; j++) {
                int a = known[j];
                qh[i * nA + a] = q[j];
                ch[i * nA + a] = c[j];
                cs[i * nA + a] = router.costScale().scale(c[j]);
            }
        }
        return new QueryPanel.Predictions(qh, ch, cs);
    }

    /**
     * Held-out users of one split with their kMax contexts.
     *
     * @param contextTable the outcome table restricted to the panel's arms (same row order as the panel)
     * @param sweepUsers the first this many users are also scored under the pool sweeps
     */
    public static List<EvalUser> users(OutcomeTable contextTable, ModelCatalog catalog, List<String> arms, UserSplit split, int count,
                                       int kMax, ProfileDistribution.Config profiles, long seed,
                                       int sweepUsers) {
        OutcomeTable t = contextTable.withModels(arms);
        boolean hasTrain = t.queries().stream().anyMatch(q -> q.split().equals("train"));
        String contextSplit = hasTrain ? "train" : "all";
        UserSimulator sim = new UserSimulator(t, catalog, UserSimulator.Config.defaults().withQuerySplit(contextSplit), seed);
        ProfileDistribution dist = new ProfileDistribution(profiles, catalog.costScale(), seed);
        // A prompt can repeat across rows (RouterBench has duplicates), so rows are found by prompt
        // and then by the exact outcomes of the two compared models.
        Map<String, List<Integer>> rowsByPrompt = new HashMap<>();
        for (int i = 0; i < t.numQueries(); i++) {
            if (contextSplit.equals("all") || t.query(i).split().equals(contextSplit)) {
                rowsByPrompt.computeIfAbsent(t.query(i).prompt(), p -> new ArrayList<>()).add(i);
            }
        }
        List<EvalUser> users = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            String id = String.format(Locale.ROOT, "%s-%s-%07d", USER_PREFIX, split.wireName(), n);
            SimulatedUser u = dist.draw(id, split);
            List<Feedback.Pairwise> ctx = sim.sampleContexts(u, kMax, "evaluate");
            int[] row = new int[kMax];
            int[] armA = new int[kMax];
            int[] armB = new int[kMax];
            boolean[] preferA = new boolean[kMax];
            for (int j = 0; j < kMax; j++) {
                Feedback.Pairwise p = ctx.get(j);
                armA[j] = arms.indexOf(p.a().model());
                armB[j] = arms.indexOf(p.b().model());
                row[j] = findRow(t, rowsByPrompt.get(p.query()), armA[j], armB[j], p);
                preferA[j] = p.preferredA();
            }
            users.add(new EvalUser(id, split.wireName(), family(u.profile(), split, profiles), TrueProfile.of(u.profile()), u.beta(),
                    row, armA, armB, preferA, n < sweepUsers));
        }
        return users;
    }

    private static int findRow(OutcomeTable t, List<Integer> candidates, int a, int b, Feedback.Pairwise p) {
        if (candidates != null) {
            for (int i : candidates) {
                if (t.has(i, a) && t.has(i, b) && t.quality(i, a) == p.a().quality() && t.cost(i, a) == p.a().costUsd()
                        && t.quality(i, b) == p.b().quality() && t.cost(i, b) == p.b().costUsd()) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("context of " + p.a().model() + " vs " + p.b().model() + " matches no outcome-table row");
    }

    /** The report family of a profile: ID users are {@code linear}; OOD linear users are split by side of the range. */
    static String family(UtilityProfile p, UserSplit split, ProfileDistribution.Config profiles) {
        if (split == UserSplit.ID) return "linear";
        if (p instanceof UtilityProfile.Linear l) return l.lambda() < profiles.lambdaMin() ? "linear_low" : "linear_high";
        return p.family();
    }
}
