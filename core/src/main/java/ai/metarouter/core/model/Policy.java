package ai.metarouter.core.model;

/**
 * The user-conditioned policy: {@code score(x, a) = theta' . psi(q^(x, a), cs(c^(x, a)))}, turned
 * into {@code pi = softmax(score / tau)}. The scores are the user's estimated utilities, so greedy
 * routing maximises estimated utility and the softmax is what meta-training optimises (it is
 * differentiable and gives every candidate a propensity). Pure functions over primitive arrays.
 */
public final class Policy {
    private Policy() {}

    /** Scores of n candidates with expected qualities {@code q} and normalised costs {@code cs}. */
    public static void scores(UtilityBasis basis, double[] theta, double[] q, double[] cs, int n, double[] out) {
        for (int i = 0; i < n; i++) out[i] = basis.utility(theta, 0, q[i], cs[i]);
    }

    /** Scores from precomputed psi rows ({@code psi[i*d .. i*d+d)} for candidate i). */
    public static void scoresFromPsi(double[] theta, double[] psi, int n, int d, double[] out) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            int o = i * d;
            for (int j = 0; j < d; j++) s += theta[j] * psi[o + j];
            out[i] = s;
        }
    }

    /** {@code softmax(scores / tau)} over the first n entries, numerically stable. */
    public static void softmax(double[] scores, int n, double tau, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, scores[i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp((scores[i] - max) / tau);
            out[i] = e;
            sum += e;
        }
        double inv = 1.0 / sum;
        for (int i = 0; i < n; i++) out[i] *= inv;
    }

    /** Shannon entropy (nats) of a distribution over n entries. */
    public static double entropy(double[] probs, int n) {
        double h = 0;
        for (int i = 0; i < n; i++) if (probs[i] > 0) h -= probs[i] * Math.log(probs[i]);
        return h;
    }
}
