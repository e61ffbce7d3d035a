package ai.metarouter.jobs.evaluate;

import java.util.SplittableRandom;

/**
 * A per-user contextual bandit learned from scratch: a linear reward model {@code r ~ w . x(x, a)}
 * shared across arms, where an arm's features on a query are {@code psi(q^, cs(c^))} in the
 * utility basis (the outcome predictor's view of the arm), so it knows as much about arms as
 * MetaRouter and per_user_fit do and differs only in learning the user from scratch, from reward
 * feedback. Ridge prior {@code N(0, I / ridge)}.
 * <ul>
 *   <li>LinUCB: plays {@code argmax w^ . x + alpha sqrt(x' A^-1 x)};</li>
 *   <li>Thompson: plays {@code argmax w~ . x} with {@code w~ ~ N(w^, v^2 A^-1)}, seeded per round.</li>
 * </ul>
 * After the k learning rounds the user is routed greedily on the posterior mean {@code w^}
 * ({@link #meanWeights}); with no rounds w^ = 0, every arm ties and the result is the random policy.
 * Mutable per user; not shared between threads.
 */
public final class LinearBandit {
    private final int dim;
    private final double[] a;
    private final double[] b;

    public LinearBandit(int dim, double ridge) {
        if (!(ridge > 0)) throw new IllegalArgumentException("ridge must be > 0");
        this.dim = dim;
        this.a = new double[dim * dim];
        this.b = new double[dim];
        for (int j = 0; j < dim; j++) a[j * dim + j] = ridge;
    }

    /** Adds one observed reward for features x. */
    public void update(double[] x, double reward) {
        for (int i = 0; i < dim; i++) {
            b[i] += reward * x[i];
            for (int j = 0; j < dim; j++) a[i * dim + j] += x[i] * x[j];
        }
    }

    /** w^ = A^-1 b. */
    public double[] meanWeights() {
        return solve(cholesky(a, dim), b, dim);
    }

    /** Index of the LinUCB choice among {@code n} candidate feature rows ({@code x[i*dim ..]}); lowest index on ties. */
    public int chooseUcb(double[] x, int n, double alpha) {
        double[] l = cholesky(a, dim);
        double[] w = solve(l, b, dim);
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        double[] row = new double[dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * dim, row, 0, dim);
            double mean = dot(w, row);
            double[] y = forward(l, row, dim);
            double v = mean + alpha * Math.sqrt(dot(y, y));
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    /** Index of the Thompson choice; the posterior draw is seeded by {@code seed}. */
    public int chooseThompson(double[] x, int n, double scale, long seed) {
        double[] l = cholesky(a, dim);
        double[] w = solve(l, b, dim);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] z = new double[dim];
        for (int j = 0; j < dim; j++) z[j] = gaussian(rng);
        // w~ = w^ + scale L^-T z has covariance scale^2 A^-1 (A = L L^T).
        double[] delta = backward(l, z, dim);
        for (int j = 0; j < dim; j++) w[j] += scale * delta[j];
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int j = 0; j < dim; j++) v += w[j] * x[i * dim + j];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    /** Lower-triangular L with A = L L^T. */
    static double[] cholesky(double[] m, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = m[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j) l[i * n + i] = Math.sqrt(Math.max(s, 1e-300));
                else l[i * n + j] = s / l[j * n + j];
            }
        }
        return l;
    }

    /** Solves L y = v. */
    static double[] forward(double[] l, double[] v, int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = v[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * y[k];
            y[i] = s / l[i * n + i];
        }
        return y;
    }

    /** Solves L^T x = y. */
    static double[] backward(double[] l, double[] y, int n) {
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
            x[i] = s / l[i * n + i];
        }
        return x;
    }

    static double[] solve(double[] l, double[] v, int n) {
        return backward(l, forward(l, v, n), n);
    }
}
