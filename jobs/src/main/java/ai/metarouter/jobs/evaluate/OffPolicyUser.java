package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.UserState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One user's logged route events turned into the inputs of {@link OffPolicyEstimators}, a pure
 * function. The target policy is the artifact routing greedily (ties split) for this user, adapted
 * on the user's preference events logged before each route event (what serving would have known).
 * The reward model of DM/DR is a ridge regression of the logged reward on the chosen arm's
 * {@code psi(q^, cs(c^))} (centred: intercept unpenalised), fitted per user with 2-fold
 * cross-fitting (events alternate folds), so no event's own reward enters its prediction.
 */
public final class OffPolicyUser {
    private OffPolicyUser() {}

    /** Per-event arrays of one user (see {@link OffPolicyEstimators}); {@code truth} is the target's true expected reward. */
    public record Events(double[] targetProb, double[] propensity, double[] reward, double[] rewardHat, double[] directValue,
                         double[] truth, int skipped) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The outcome table as lookups: query id to row, true outcomes per (row, model). */
    public record Lookup(Map<String, Integer> rows, List<String> models, double[] quality, double[] cost, double lnLo, double lnHi)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        double q(int row, int m) {
            return quality[row * models.size() + m];
        }

        double c(int row, int m) {
            return cost[row * models.size() + m];
        }
    }

    public static Events evaluate(List<InteractionEvent> events, UtilityProfile profile, MetaRouterModel model, Lookup lookup,
                                  double ridge) {
        List<InteractionEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(InteractionEvent::tsMillis).thenComparing(InteractionEvent::eventId));
        CostScale trueScale = new CostScale(lookup.lnLo(), lookup.lnHi());
        int d = model.basis().dimension();
        List<Feedback> contexts = new ArrayList<>();
        List<double[]> pis = new ArrayList<>();
        List<double[]> psis = new ArrayList<>();
        List<Integer> chosen = new ArrayList<>();
        List<double[]> out = new ArrayList<>();
        int skipped = 0;
        for (InteractionEvent e : sorted) {
            switch (e.type()) {
                case PREFERENCE, REWARD -> e.feedback().ifPresent(contexts::add);
                case ROUTE -> {
                    Integer row = lookup.rows().get(e.queryId());
                    List<String> cands = new ArrayList<>();
                    int chosenIdx = -1;
                    if (e.candidates() != null) {
                        for (String c : e.candidates()) {
                            if (model.predictor().armIndex(c) < 0 || lookup.models().indexOf(c) < 0) continue;
                            if (c.equals(e.model())) chosenIdx = cands.size();
                            cands.add(c);
                        }
                    }
                    if (row == null || chosenIdx < 0 || e.reward() == null || e.propensity() == null || !(e.propensity() > 0)) {
                        skipped++;
                        continue;
                    }
                    UserState state = model.adapt(contexts);
                    QueryFeatures x = model.featurize(e.query());
                    double[] scores = model.scores(x, cands, state);
                    double[] pi = greedy(scores);
                    double[] q = new double[cands.size()];
                    double[] c = new double[cands.size()];
                    model.predictor().predict(x, cands, q, c);
                    double[] psi = new double[cands.size() * d];
                    double truth = 0;
                    for (int i = 0; i < cands.size(); i++) {
                        model.basis().value(q[i], model.costScale().scale(c[i]), psi, i * d);
                        int m = lookup.models().indexOf(cands.get(i));
                        if (pi[i] > 0) truth += pi[i] * profile.utility(lookup.q(row, m), lookup.c(row, m), trueScale);
                    }
                    pis.add(pi);
                    psis.add(psi);
                    chosen.add(chosenIdx);
                    out.add(new double[] {pi[chosenIdx], e.propensity(), e.reward(), truth});
                }
            }
        }
        int n = out.size();
        double[] targetProb = new double[n];
        double[] propensity = new double[n];
        double[] reward = new double[n];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            targetProb[i] = out.get(i)[0];
            propensity[i] = out.get(i)[1];
            reward[i] = out.get(i)[2];
            truth[i] = out.get(i)[3];
        }
        double[] rewardHat = new double[n];
        double[] direct = new double[n];
        for (int fold = 0; fold < 2; fold++) {
            // Ridge on the deviations from the other fold's mean reward, so the shrinkage pulls
            // towards the user's typical reward rather than towards 0.
            double level = 0;
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (i % 2 == fold) continue;
                level += reward[i];
                m++;
            }
            level = m == 0 ? 0 : level / m;
            double[] meanPsi = new double[d];
            for (int i = 0; i < n; i++) {
                if (i % 2 == fold) continue;
                double[] x = row(psis.get(i), chosen.get(i), d);
                for (int j = 0; j < d; j++) meanPsi[j] += x[j] / m;
            }
            LinearBandit fit = new LinearBandit(d, ridge);
            for (int i = 0; i < n; i++) {
                if (i % 2 == fold) continue;
                double[] x = row(psis.get(i), chosen.get(i), d);
                for (int j = 0; j < d; j++) x[j] -= meanPsi[j];
                fit.update(x, reward[i] - level);
            }
            double[] w = fit.meanWeights();
            for (int i = fold; i < n; i += 2) {
                double[] pi = pis.get(i);
                double[] psi = psis.get(i);
                for (int a = 0; a < pi.length; a++) {
                    double v = level;
                    for (int j = 0; j < d; j++) v += w[j] * (psi[a * d + j] - meanPsi[j]);
                    if (a == chosen.get(i)) rewardHat[i] = v;
                    direct[i] += pi[a] * v;
                }
            }
        }
        return new Events(targetProb, propensity, reward, rewardHat, direct, truth, skipped);
    }

    private static double[] row(double[] psi, int a, int d) {
        double[] r = new double[d];
        System.arraycopy(psi, a * d, r, 0, d);
        return r;
    }

    /** Greedy with exact ties split evenly. */
    static double[] greedy(double[] scores) {
        double best = Double.NEGATIVE_INFINITY;
        for (double s : scores) best = Math.max(best, s);
        int ties = 0;
        for (double s : scores) if (s == best) ties++;
        double[] pi = new double[scores.length];
        for (int i = 0; i < scores.length; i++) pi[i] = scores[i] == best ? 1.0 / ties : 0.0;
        return pi;
    }
}
