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
 * @param scaleFreePairs score query-set comparisons by {@code log sigmoid(gamma theta'.v / |theta'|)}
 *        (direction of theta' only, learned sharpness gamma) instead of {@code log sigmoid(theta'.v)}
 * @param firstOrder use the first-order approximation of the inner-loop derivative (default false: exact)
 */
public record ObjectiveConfig(double ipsWeight, double entropyWeight, double pairWeight, double ipsClip, boolean ipsBaseline, int kMax,
                              double contextNoiseStd, double flipProbability, double zNoiseStd, double pairsOnlyProbability,
                              boolean scaleFreePairs, boolean firstOrder) {
    public ObjectiveConfig {
        if (!(ipsWeight >= 0) || !(entropyWeight >= 0) || !(pairWeight >= 0)) throw new IllegalArgumentException("objective weights must be >= 0");
        if (!(ipsClip > 0)) throw new IllegalArgumentException("ipsClip must be > 0");
        if (kMax < 0) throw new IllegalArgumentException("kMax must be >= 0");
        if (!(contextNoiseStd >= 0) || !(zNoiseStd >= 0)) throw new IllegalArgumentException("noise std must be >= 0");
        if (!(flipProbability >= 0 && flipProbability <= 0.5)) throw new IllegalArgumentException("flipProbability must be in [0, 0.5]");
        if (!(pairsOnlyProbability >= 0 && pairsOnlyProbability <= 1)) throw new IllegalArgumentException("pairsOnlyProbability must be in [0, 1]");
    }

    /**
     * The defaults, chosen by measurement: no IPS term, entropy 0.01, comparison log-likelihood 1,
     * scale-free pi and LL, comparisons-only contexts, kMax 16, exact gradient. The IPS value term's
     * worth depends on how large the personalisation gap is next to the noise of ~16 logged route
     * events per user. On the synthetic benchmark (gap about 0.01 utility) it made PGC worse with
     * both inner loops (ReferenceTrainerLearnsTest, Newton MAP: comparison contexts PGC@6 0.43
     * untrained, 0.35 trained without IPS, 0.19 with w_ips 1); on RouterBench (gap 0.048 ID,
     * 0.255 OOD) it doubled ID PGC@6 (0.148 to 0.264), so {@code conf/routerbench.conf} turns it
     * on there. Comparisons-only contexts during training gave the best routing from mixed log
     * contexts.
     */
    public static ObjectiveConfig defaults() {
        return new ObjectiveConfig(0.0, 0.01, 1.0, 20.0, true, 16, 0.0, 0.0, 0.0, 1.0, true, false);
    }

    /** The spec's weights: w_ips 1, eta 0.01, w_pl 1 (clip 20 with the baseline, half the contexts comparisons-only). */
    public static ObjectiveConfig specDefaults() {
        return new ObjectiveConfig(1.0, 0.01, 1.0, 20.0, true, 16, 0.0, 0.0, 0.0, 0.5, true, false);
    }

    public ObjectiveConfig withWeights(double ips, double entropy, double pair) {
        return new ObjectiveConfig(ips, entropy, pair, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, scaleFreePairs, firstOrder);
    }

    public ObjectiveConfig withPairsOnlyProbability(double p) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, p, scaleFreePairs, firstOrder);
    }

    public ObjectiveConfig withNoise(double contextNoiseStd, double flipProbability, double zNoiseStd) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, scaleFreePairs, firstOrder);
    }

    public ObjectiveConfig withKMax(int k) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, k, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, scaleFreePairs, firstOrder);
    }

    public ObjectiveConfig withScaleFreePairs(boolean b) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, b, firstOrder);
    }

    public ObjectiveConfig withFirstOrder(boolean fo) {
        return new ObjectiveConfig(ipsWeight, entropyWeight, pairWeight, ipsClip, ipsBaseline, kMax, contextNoiseStd, flipProbability, zNoiseStd, pairsOnlyProbability, scaleFreePairs, fo);
    }
}
