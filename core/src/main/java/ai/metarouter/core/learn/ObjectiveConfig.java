package ai.metarouter.core.learn;

/**
 * Settings of the per-user meta-objective (training only; not part of the served model).
 *
 * @param ipsWeight w_ips, weight of the off-policy (IPS) value of the query-set route events
 * @param entropyWeight eta, weight of the policy's mean entropy (a bonus: it is subtracted)
 * @param pairWeight w_pl, weight of the query-set comparisons' mean log-likelihood
 * @param ipsClip cap on the importance weight pi(a0|x) / p0
 * @param kMax largest context-set size sampled per user and iteration (k uniform in [0, kMax])
 * @param contextNoiseStd std of Gaussian noise added to context qualities and normalised costs
 * @param flipProbability probability of flipping a context comparison's label
 * @param zNoiseStd std of Gaussian noise added to the latent z
 * @param firstOrder use the first-order approximation of the inner-loop derivative (default false: exact)
 */
public record ObjectiveConfig(double ipsWeight, double entropyWeight, double pairWeight, double ipsClip, int kMax,
                              double contextNoiseStd, double flipProbability, double zNoiseStd, boolean firstOrder) {
    public ObjectiveConfig {
        if (!(ipsWeight >= 0) || !(entropyWeight >= 0) || !(pairWeight >= 0)) throw new IllegalArgumentException("objective weights must be >= 0");
        if (!(ipsClip > 0)) throw new IllegalArgumentException("ipsClip must be > 0");
        if (kMax < 0) throw new IllegalArgumentException("kMax must be >= 0");
        if (!(contextNoiseStd >= 0) || !(zNoiseStd >= 0)) throw new IllegalArgumentException("noise std must be >= 0");
        if (!(flipProbability >= 0 && flipProbability <= 0.5)) throw new IllegalArgumentException("flipProbability must be in [0, 0.5]");
    }

    /** The spec's defaults: w_ips 1, eta 0.01, w_pl 1, clip 20, kMax 16, no noise, exact gradient. */
    public static ObjectiveConfig defaults() {
        return new ObjectiveConfig(1.0, 0.01, 1.0, 20.0, 16, 0.0, 0.0, 0.0, false);
    }

    public ObjectiveConfig withNoise(double contextNoiseStd, double flipProbability, double zNoiseStd) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, kMax, contextNoiseStd, flipProbability, zNoiseStd, firstOrder);
    }

    public ObjectiveConfig withKMax(int k) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, k, contextNoiseStd, flipProbability, zNoiseStd, firstOrder);
    }

    public ObjectiveConfig withFirstOrder(boolean fo) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, kMax, contextNoiseStd, flipProbability, zNoiseStd, fo);
    }
}
