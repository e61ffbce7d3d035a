package ai.metarouter.jobs.evaluate;

import java.util.HashMap;
import java.util.Map;

/**
 * Off-policy estimators of a target policy's mean reward from logged bandit events, pure
 * functions. Per logged event i: the logging propensity {@code p_i} of the logged arm, the
 * target's probability {@code pi_i} of that arm, the observed reward {@code r_i}, a reward model's
 * prediction for the logged arm {@code rhat_i} and its target-weighted value {@code dm_i =
 * sum_a pi(a|x_i) rhat(x_i, a)}; with weights {@code w_i = pi_i / p_i}:
 * <ul>
 *   <li>IPS {@code (1/N) sum w_i r_i} (unbiased when p_i > 0 wherever pi does);</li>
 *   <li>SNIPS {@code sum w_i r_i / sum w_i} (biased, consistent, lower variance);</li>
 *   <li>DM {@code (1/N) sum dm_i} (as good as the reward model);</li>
 *   <li>DR {@code (1/N) sum [dm_i + w_i (r_i - rhat_i)]} (unbiased when either part is right).</li>
 * </ul>
 * Standard errors are clustered by user ({@code cluster[i]}): a user's events share the user's
 * state, so they are not independent. With C clusters of totals Z_c over n_c events and mean V,
 * {@code var(V) = C/(C-1) sum_c (Z_c - V n_c)^2 / N^2}; SNIPS uses the same with the ratio's
 * linearisation.
 */
public final class OffPolicyEstimators {
    private OffPolicyEstimators() {}

    /** A point estimate and its clustered standard error. */
    public record Estimate(double value, double se) {}

    public static Estimate ips(double[] pi, double[] p, double[] r, int[] cluster) {
        int n = r.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = pi[i] / p[i] * r[i];
        return mean(z, cluster);
    }

    public static Estimate snips(double[] pi, double[] p, double[] r, int[] cluster) {
        int n = r.length;
        double sw = 0;
        double swr = 0;
        for (int i = 0; i < n; i++) {
            double w = pi[i] / p[i];
            sw += w;
            swr += w * r[i];
        }
        if (sw <= 0) return new Estimate(Double.NaN, Double.NaN);
        double v = swr / sw;
        // Linearisation: V - v ~ sum w_i (r_i - v) / sum w_i.
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = pi[i] / p[i] * (r[i] - v) * n / sw;
        return new Estimate(v, clusteredSe(z, cluster, 0.0));
    }

    public static Estimate directMethod(double[] dm, int[] cluster) {
        return mean(dm, cluster);
    }

    public static Estimate doublyRobust(double[] pi, double[] p, double[] r, double[] rhat, double[] dm, int[] cluster) {
        int n = r.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = dm[i] + pi[i] / p[i] * (r[i] - rhat[i]);
        return mean(z, cluster);
    }

    /** Mean of per-event values with its clustered SE. */
    public static Estimate mean(double[] z, int[] cluster) {
        double s = 0;
        for (double v : z) s += v;
        double m = s / z.length;
        return new Estimate(m, clusteredSe(z, cluster, m));
    }

    /** Clustered SE of the mean of z around {@code center} (see the class comment). */
    static double clusteredSe(double[] z, int[] cluster, double center) {
        Map<Integer, double[]> totals = new HashMap<>();
        for (int i = 0; i < z.length; i++) {
            double[] t = totals.computeIfAbsent(cluster[i], c -> new double[2]);
            t[0] += z[i];
            t[1] += 1;
        }
        int c = totals.size();
        if (c < 2) return Double.NaN;
        double s = 0;
        for (double[] t : totals.values()) {
            double dev = t[0] - center * t[1];
            s += dev * dev;
        }
        double n = z.length;
        return Math.sqrt(c / (c - 1.0) * s) / n;
    }
}
