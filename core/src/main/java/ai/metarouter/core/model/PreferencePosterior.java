package ai.metarouter.core.model;

import ai.metarouter.core.learn.InnerLoop;
import java.util.Arrays;

/**
 * The Laplace approximation of what the router believes about one user's utility weights after
 * adaptation: a Gaussian with the adapted theta' as its mean and the inverse of the inner loop's
 * loss Hessian at theta' as its covariance. With the Newton MAP inner loop theta' is the exact
 * posterior mode of the user's feedback under the meta-learned prior N(theta_init, diag(rho)^-1)
 * and the Hessian is the posterior precision there; with Meta-SGD steps theta' is not the mode and
 * this is an approximation around it. Used to choose which comparison to ask a user for next
 * ({@code ai.metarouter.core.elicit.ComparisonPlanner}).
 *
 * @param mean the adapted theta', length d
 * @param covariance the d x d covariance, row-major, symmetric positive definite
 */
public record PreferencePosterior(double[] mean, double[] covariance) {
    public PreferencePosterior {
        int d = mean.length;
        if (covariance.length != d * d) throw new IllegalArgumentException("covariance must be " + d + " x " + d);
        for (double v : mean) if (!Double.isFinite(v)) throw new IllegalArgumentException("posterior mean is not finite");
        for (double v : covariance) if (!Double.isFinite(v)) throw new IllegalArgumentException("posterior covariance is not finite");
        mean = mean.clone();
        covariance = covariance.clone();
    }

    /** The Gaussian with the given mean and precision (inverse covariance; not modified). */
    public static PreferencePosterior fromPrecision(double[] mean, double[] precision) {
        int d = mean.length;
        double[] cov = new double[d * d];
        double[] factor = precision.clone();
        InnerLoop.choleskyFactor(factor, d);
        double[] col = new double[d];
        for (int j = 0; j < d; j++) {
            Arrays.fill(col, 0.0);
            col[j] = 1.0;
            InnerLoop.choleskySubstitute(factor, col, d);
            for (int i = 0; i < d; i++) cov[i * d + j] = col[i];
        }
        // Symmetrise away the rounding of the d separate solves.
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                double m = 0.5 * (cov[i * d + j] + cov[j * d + i]);
                cov[i * d + j] = m;
                cov[j * d + i] = m;
            }
        }
        return new PreferencePosterior(mean, cov);
    }

    public int dimension() {
        return mean.length;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] covariance() {
        return covariance.clone();
    }

    /** theta' . v for v = x[offset, offset + d). */
    public double meanDot(double[] x, int offset) {
        double s = 0;
        for (int j = 0; j < mean.length; j++) s += mean[j] * x[offset + j];
        return s;
    }

    /** v' Sigma v for v = x[offset, offset + d): the posterior variance of theta . v. */
    public double variance(double[] x, int offset) {
        int d = mean.length;
        double s = 0;
        for (int i = 0; i < d; i++) {
            double xi = x[offset + i];
            if (xi == 0) continue;
            double row = 0;
            for (int j = 0; j < d; j++) row += covariance[i * d + j] * x[offset + j];
            s += xi * row;
        }
        return Math.max(s, 0.0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreferencePosterior p && Arrays.equals(mean, p.mean) && Arrays.equals(covariance, p.covariance);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(covariance);
    }

    @Override
    public String toString() {
        return "PreferencePosterior" + Arrays.toString(mean);
    }
}
