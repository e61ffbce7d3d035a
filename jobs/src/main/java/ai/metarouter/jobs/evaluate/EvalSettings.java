package ai.metarouter.jobs.evaluate;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The knobs of one evaluation (all of them recorded in {@code metrics.json}).
 *
 * @param ks numbers of feedback contexts, ascending; the contexts are nested (the first k of kMax)
 * @param sweepK the k at which pool sweeps are run
 * @param seed run seed: users, contexts, pools, Thompson draws and the bootstrap derive from it
 * @param ucbAlpha LinUCB's exploration width
 * @param ridge prior precision of both bandits
 * @param thompsonScale posterior scale of Thompson sampling
 * @param untrainedBetaInit betaInit of the untrained meta-parameters (the no-meta-training ablation)
 * @param untrainedSeed seed of the untrained meta-parameters
 * @param idPrior the ID profile distribution's {lambdaMin, lambdaMax, betaMedian, betaLogSd} (the
 *        Bayes reference point uses it; routers never see it)
 */
public record EvalSettings(int[] ks, int sweepK, long seed, double ucbAlpha, double ridge, double thompsonScale,
                           double untrainedBetaInit, long untrainedSeed, double[] idPrior) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int[] DEFAULT_KS = {0, 1, 2, 4, 6, 8, 16, 32};

    public EvalSettings {
        ks = ks.clone();
        idPrior = idPrior.clone();
        if (idPrior.length != 4) throw new IllegalArgumentException("idPrior is {lambdaMin, lambdaMax, betaMedian, betaLogSd}");
        Arrays.sort(ks);
        if (ks.length == 0 || ks[0] < 0) throw new IllegalArgumentException("ks must be non-empty and >= 0");
        for (int i = 1; i < ks.length; i++) if (ks[i] == ks[i - 1]) throw new IllegalArgumentException("ks has duplicates");
        if (sweepK < 0) throw new IllegalArgumentException("sweep k must be >= 0");
    }

    /** The largest k (number of contexts drawn per user). */
    public int kMax() {
        return Math.max(ks[ks.length - 1], sweepK);
    }

    @Override
    public int[] ks() {
        return ks.clone();
    }
}
