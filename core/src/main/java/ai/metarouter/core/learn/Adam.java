package ai.metarouter.core.learn;

/**
 * Adam (Kingma and Ba, 2015) with bias correction and global-norm gradient clipping. A pure
 * function of (parameters, gradient, state, config), so every trainer that feeds it the same
 * mean gradient takes the same step.
 */
public final class Adam {
    private Adam() {}

    /**
     * The result of one step.
     *
     * @param params the updated parameters
     * @param state the updated moments
     * @param gradNorm the gradient's L2 norm before clipping
     */
    public record Step(double[] params, AdamState state, double gradNorm) {}

    public static Step step(double[] params, double[] grad, AdamState state, AdamConfig cfg) {
        if (grad.length != params.length || state.size() != params.length) {
            throw new IllegalArgumentException("Adam: parameter, gradient and state sizes differ");
        }
        double[] out = params.clone();
        double[] m = state.m();
        double[] v = state.v();
        long t = state.step() + 1;
        double norm = stepInPlace(out, grad, m, v, t, cfg);
        return new Step(out, new AdamState(t, m, v), norm);
    }

    /**
     * The same step on caller-owned arrays (large parameter vectors, e.g. the outcome predictor's):
     * updates {@code params}, {@code m} and {@code v} in place for step number {@code t} (1-based)
     * and returns the gradient norm before clipping.
     */
    public static double stepInPlace(double[] params, double[] grad, double[] m, double[] v, long t, AdamConfig cfg) {
        int n = params.length;
        double norm = norm(grad);
        if (!Double.isFinite(norm)) throw new IllegalArgumentException("Adam: the gradient is not finite");
        double scale = cfg.maxGradNorm() > 0 && norm > cfg.maxGradNorm() ? cfg.maxGradNorm() / norm : 1.0;
        double b1 = cfg.beta1();
        double b2 = cfg.beta2();
        double c1 = 1.0 - Math.pow(b1, t);
        double c2 = 1.0 - Math.pow(b2, t);
        double lr = cfg.learningRate();
        double eps = cfg.epsilon();
        for (int i = 0; i < n; i++) {
            double g = grad[i] * scale;
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
        return norm;
    }

    public static double norm(double[] g) {
        double s = 0;
        for (double x : g) s += x * x;
        return Math.sqrt(s);
    }
}
