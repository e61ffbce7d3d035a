package ai.metarouter.core.learn;

/**
 * Adam's settings, shared by every trainer.
 *
 * @param learningRate step size
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param epsilon denominator guard
 * @param maxGradNorm clip the gradient to this global L2 norm before the step (0 = no clipping)
 */
public record AdamConfig(double learningRate, double beta1, double beta2, double epsilon, double maxGradNorm) {
    public AdamConfig {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1)");
        if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon must be > 0");
        if (!(maxGradNorm >= 0)) throw new IllegalArgumentException("maxGradNorm must be >= 0");
    }

    public static AdamConfig defaults() {
        return new AdamConfig(0.01, 0.9, 0.999, 1e-8, 10.0);
    }

    public AdamConfig withLearningRate(double lr) {
        return new AdamConfig(lr, beta1, beta2, epsilon, maxGradNorm);
    }
}
