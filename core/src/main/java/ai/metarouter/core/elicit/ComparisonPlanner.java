package ai.metarouter.core.elicit;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.PreferencePosterior;
import ai.metarouter.core.model.UtilityBasis;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the comparison whose answer tells the router most about a user (Bayesian active
 * learning by disagreement, BALD; Houlsby et al. 2011).
 *
 * <p>The user prefers outcome a over b with probability sigmoid(theta . v), v = psi(a) - psi(b)
 * (the inner loop's comparison likelihood). Under the posterior theta ~ N(m, S), theta . v is
 * N(m . v, v' S v), and the information of the answer y about theta is
 * {@code I = H[E p] - E[H p]}, p = sigmoid(theta . v): large when the router cannot predict the
 * answer (first term) and the uncertainty is about theta rather than the user's noise (second
 * term). Both terms use the probit approximation sigmoid(t) ~ Phi(t sqrt(pi/8)), which gives them
 * in closed form. Before the comparison is made the outcomes are not known: with pass/fail quality
 * each model passes with its predicted probability q^ (four scenarios), otherwise q^ is the
 * quality; since the outcomes do not depend on theta, the information is the scenario-weighted mean.
 */
public final class ComparisonPlanner {
    private static final double PROBIT_SCALE = Math.sqrt(Math.PI / 8.0);
    private static final double C = Math.sqrt(Math.PI * Math.log(2.0) / 2.0);

    private ComparisonPlanner() {}

    /**
     * One comparison the router could ask for, as its outcome scenarios.
     *
     * @param differences scenario s's v = psi(a) - psi(b) in {@code [s d, (s+1) d)}
     * @param weights probability of each scenario (summing to 1)
     */
    public record Candidate(double[] differences, double[] weights) {
        public Candidate {
            if (weights.length == 0 || differences.length % weights.length != 0) {
                throw new IllegalArgumentException("differences must hold one vector per scenario");
            }
            differences = differences.clone();
            weights = weights.clone();
        }

        public int scenarios() {
            return weights.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Candidate c && Arrays.equals(differences, c.differences) && Arrays.equals(weights, c.weights);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(differences) + Arrays.hashCode(weights);
        }
    }

    /** The chosen candidate (index into the list) and its expected information in bits. */
    public record Choice(int index, double information) {}

    /**
     * The comparison of models a and b on one query, from the predictor's expectations.
     *
     * @param binaryQuality whether quality is pass/fail: then each model passes with probability
     *        q^ (independently) and the four outcome pairs are the scenarios; else one scenario at q^
     * @param costUsdA predicted cost of a's answer (USD)
     */
    public static Candidate candidate(UtilityBasis basis, CostScale scale, boolean binaryQuality, double qHatA, double costUsdA,
                                      double qHatB, double costUsdB) {
        int d = basis.dimension();
        double csA = scale.scale(costUsdA);
        double csB = scale.scale(costUsdB);
        if (!binaryQuality) {
            double[] v = difference(basis, qHatA, csA, qHatB, csB);
            return new Candidate(v, new double[] {1.0});
        }
        double[] diffs = new double[4 * d];
        double[] weights = new double[4];
        int n = 0;
        for (int qa = 0; qa <= 1; qa++) {
            for (int qb = 0; qb <= 1; qb++) {
                double w = (qa == 1 ? qHatA : 1 - qHatA) * (qb == 1 ? qHatB : 1 - qHatB);
                if (!(w > 0)) continue;
                System.arraycopy(difference(basis, qa, csA, qb, csB), 0, diffs, n * d, d);
                weights[n++] = w;
            }
        }
        if (n == 0) throw new IllegalArgumentException("predicted qualities must be in [0, 1], got " + qHatA + ", " + qHatB);
        double total = 0;
        for (int s = 0; s < n; s++) total += weights[s];
        for (int s = 0; s < n; s++) weights[s] /= total;
        return new Candidate(Arrays.copyOf(diffs, n * d), Arrays.copyOf(weights, n));
    }

    private static double[] difference(UtilityBasis basis, double qa, double csA, double qb, double csB) {
        double[] a = basis.value(qa, csA);
        double[] b = basis.value(qb, csB);
        for (int j = 0; j < a.length; j++) a[j] -= b[j];
        return a;
    }

    /** The expected information (bits) about theta of the user's answer to this comparison. */
    public static double expectedInformation(PreferencePosterior posterior, Candidate c) {
        int d = posterior.dimension();
        if (c.differences().length != c.scenarios() * d) {
            throw new IllegalArgumentException("candidate has dimension " + c.differences().length / c.scenarios() + ", posterior " + d);
        }
        double[] v = c.differences;
        double info = 0;
        for (int s = 0; s < c.scenarios(); s++) {
            info += c.weights[s] * information(posterior.meanDot(v, s * d), posterior.variance(v, s * d));
        }
        return info;
    }

    /**
     * I(y; theta) in bits for y ~ Bernoulli(sigmoid(f)), f ~ N(mean, variance): the entropy of the
     * predictive probability minus the expected entropy, both by the probit approximation.
     */
    public static double information(double mean, double variance) {
        double mu = mean * PROBIT_SCALE;
        double s2 = variance * PROBIT_SCALE * PROBIT_SCALE;
        double predictive = normalCdf(mu / Math.sqrt(1.0 + s2));
        double expectedEntropy = C / Math.sqrt(s2 + C * C) * Math.exp(-mu * mu / (2.0 * (s2 + C * C)));
        return Math.max(0.0, binaryEntropyBits(predictive) - expectedEntropy);
    }

    /** The candidate with the most expected information (the first of equals); index -1 for an empty list. */
    public static Choice choose(PreferencePosterior posterior, List<Candidate> candidates) {
        int best = -1;
        double bestInfo = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            double info = expectedInformation(posterior, candidates.get(i));
            if (info > bestInfo) {
                bestInfo = info;
                best = i;
            }
        }
        return new Choice(best, best < 0 ? 0.0 : bestInfo);
    }

    /**
     * The predictor's expectations on a grid of queries and arms, row-major by query:
     * {@code qHat[q * arms.length + i]} and {@code costUsd[...]} for query q and arm {@code arms[i]}.
     */
    public record Grid(double[] qHat, double[] costUsd) {}

    /** Featurises each query once and predicts q^ and cost for every arm (the inputs of {@link #mostInformative}). */
    public static Grid predict(MetaRouterModel model, List<String> queries, int[] arms) {
        int n = arms.length;
        double[] qHat = new double[queries.size() * n];
        double[] cost = new double[queries.size() * n];
        double[] qRow = new double[n];
        double[] cRow = new double[n];
        for (int q = 0; q < queries.size(); q++) {
            model.predictor().predict(model.featurize(queries.get(q)), arms, qRow, cRow);
            System.arraycopy(qRow, 0, qHat, q * n, n);
            System.arraycopy(cRow, 0, cost, q * n, n);
        }
        return new Grid(qHat, cost);
    }

    /**
     * A comparison on a grid of queries and arms: show query {@code query}'s answers of arms
     * {@code a} and {@code b} ({@code a < b}, indices into the caller's arm list).
     *
     * @param information its expected information about theta, bits
     */
    public record Question(int query, int a, int b, double information) {}

    /** Comparisons not to ask again (arms {@code a < b}). */
    @FunctionalInterface
    public interface Asked {
        Asked NONE = (query, a, b) -> false;

        boolean contains(int query, int a, int b);
    }

    /**
     * The most informative comparison among every query and unordered pair of arms, from the
     * predictor's expectations: {@code qHat[query * arms + arm]} and {@code costUsd[...]} likewise.
     * Candidates are enumerated by query, then a, then b > a, and {@link #choose} keeps the first of
     * equals, so ties go to the earliest query and pair. Arms with a NaN q^ (no prediction) and the
     * comparisons in {@code asked} are left out; empty when nothing is left.
     */
    public static Optional<Question> mostInformative(PreferencePosterior posterior, UtilityBasis basis, CostScale scale,
                                                     boolean binaryQuality, int queries, int arms, double[] qHat, double[] costUsd,
                                                     Asked asked) {
        if (qHat.length != queries * arms || costUsd.length != queries * arms) {
            throw new IllegalArgumentException("predictions must hold " + queries + " x " + arms + " values");
        }
        // Scored as generated, keeping only the best: memory does not grow with queries x pairs.
        Question best = null;
        for (int q = 0; q < queries; q++) {
            int row = q * arms;
            for (int a = 0; a < arms; a++) {
                if (Double.isNaN(qHat[row + a])) continue;
                for (int b = a + 1; b < arms; b++) {
                    if (Double.isNaN(qHat[row + b]) || asked.contains(q, a, b)) continue;
                    double info = expectedInformation(posterior, candidate(basis, scale, binaryQuality, qHat[row + a], costUsd[row + a],
                            qHat[row + b], costUsd[row + b]));
                    if (best == null || info > best.information()) best = new Question(q, a, b, info);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    static double binaryEntropyBits(double p) {
        if (p <= 0 || p >= 1) return 0.0;
        return -(p * Math.log(p) + (1 - p) * Math.log1p(-p)) / Math.log(2.0);
    }

    /** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf, |error| < 1.5e-7). */
    static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2.0);
        double t = 1.0 / (1.0 + 0.3275911 * z);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1.0 - poly * Math.exp(-z * z);
        return x >= 0 ? 0.5 * (1.0 + erf) : 0.5 * (1.0 - erf);
    }
}
