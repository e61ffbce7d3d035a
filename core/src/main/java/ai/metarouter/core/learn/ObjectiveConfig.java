package ai.metarouter.core.learn;

/**
 * Settings of the per-user meta-objective (training only; not part of the served model).
 *
 * @param ipsWeight w_ips, weight of the off-policy (IPS) value of the query-set route events
 * @param entropyWeight eta, weight of the policy's mean entropy (a bonus: it is subtracted)
 * @param pairWeight w_pl, weight of the query-set comparisons' mean log-likelihood
 * @param ipsClip cap on the importance weight pi(a0|x) / p0
 * @param ipsBaseline centre each IPS reward on the leave-one-out mean of the user's other rewards
 *        (variance reduction; see {@link UserMetaObjective})
 * @param kMax largest context-set size sampled per user and iteration (k uniform in [0, kMax])
 * @param contextNoiseStd std of Gaussian noise added to context qualities and normalised costs
 * @param flipProbability probability of flipping a context comparison's label
 * @param zNoiseStd std of Gaussian noise added to the latent z
 * @param pairsOnlyProbability probability that a (user, iteration) uses only the user's comparisons
 *        as contexts (rewards then serve only in the query set): context-kind dropout, so a router
 *        trained on logs that mix rewards and comparisons still adapts well from comparisons alone
 * @param firstOrder use the first-order approximation of the inner-loop derivative (default false: exact)
 */
public record ObjectiveConfig(double ipsWeight, double entropyWeight, double pairWeight, double ipsClip, boolean ipsBaseline, int kMax,
                              double contextNoiseStd, double flipProbability, double zNoiseStd, double pairsOnlyProbability,
                              boolean firstOrder) {
    public ObjectiveConfig {
        if (!(ipsWeight >= 0) || !(entropyWeight >= 0) || !(pairWeight >= 0)) throw new IllegalArgumentException("objective weights must be >= 0");
        if (!(ipsClip > 0)) throw new IllegalArgumentException("ipsClip must be > 0");
        if (kMax < 0) throw new IllegalArgumentException("kMax must be >= 0");
        if (!(contextNoiseStd >= 0) || !(zNoiseStd >= 0)) throw new IllegalArgumentException("noise std must be >= 0");
        if (!(flipProbability >= 0 && flipProbability <= 0.5)) throw new IllegalArgumentException("flipProbability must be in [0, 0.5]");
        if (!(pairsOnlyProbability >= 0 && pairsOnlyProbability <= 1)) throw new IllegalArgumentException("pairsOnlyProbability must be in [0, 1]");
    }

    /** The spec's defaults: w_ips 1, eta 0.01, w_pl 1, clip 20 with the baseline, kMax 16, no noise, exact gradient; pairs-only contexts half the time. */
    public static ObjectiveConfig defaults() {
        return new ObjectiveConfig(1.0, 0.01, 1.0, 20.0, true, 16, 0.0, 0.0, 0.0, 0.5, false);
    }

    public ObjectiveConfig withPairsOnlyProbability(double p) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, p, firstOrder);
    }

    public ObjectiveConfig withNoise(double contextNoiseStd, double flipProbability, double zNoiseStd) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, firstOrder);
    }

    public ObjectiveConfig withKMax(int k) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, k, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, firstOrder);
    }

    public ObjectiveConfig withFirstOrder(boolean fo) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, fo);
    }
}
