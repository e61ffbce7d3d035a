package ai.metarouter.core.model;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import java.util.Arrays;
import java.util.List;

/**
 * A user's feedback contexts in the utility basis, as primitive arrays: the form the encoder and
 * the inner loop read. A comparison becomes {@code v = psi(winner) - psi(loser)}; a reward becomes
 * the outcome's {@code psi} and the reward value. Immutable once built (arrays are not exposed
 * for writing outside this package's builder).
 */
public final class FeedbackContexts {
    private final int basisDim;
    private final int pairCount;
    private final double[] pairDiffs;
    private final int rewardCount;
    private final double[] rewardPsi;
    private final double[] rewardValues;

    private FeedbackContexts(int basisDim, int pairCount, double[] pairDiffs, int rewardCount, double[] rewardPsi,
                             double[] rewardValues) {
        this.basisDim = basisDim;
        this.pairCount = pairCount;
        this.pairDiffs = pairDiffs;
        this.rewardCount = rewardCount;
        this.rewardPsi = rewardPsi;
        this.rewardValues = rewardValues;
    }

    /** No feedback: the encoder returns the population prior. */
    public static FeedbackContexts empty(int basisDim) {
        return new FeedbackContexts(basisDim, 0, new double[0], 0, new double[0], new double[0]);
    }

    /** Contexts from feedback, costs normalised with the model's cost scale. */
    public static FeedbackContexts of(List<? extends Feedback> feedback, UtilityBasis basis, CostScale scale) {
        Builder b = builder(basis, feedback.size());
        for (Feedback f : feedback) {
            if (f instanceof Feedback.Pairwise p) {
                b.addPair(p.winner().quality(), scale.scale(p.winner().costUsd()), p.loser().quality(), scale.scale(p.loser().costUsd()));
            } else if (f instanceof Feedback.Reward r) {
                b.addReward(r.outcome().quality(), scale.scale(r.outcome().costUsd()), r.reward());
            }
        }
        return b.build();
    }

    public static Builder builder(UtilityBasis basis, int expected) {
        return new Builder(basis, expected);
    }

    public int basisDim() {
        return basisDim;
    }

    public int pairCount() {
        return pairCount;
    }

    public int rewardCount() {
        return rewardCount;
    }

    /** Total number of contexts n (pairs + rewards). */
    public int size() {
        return pairCount + rewardCount;
    }

    /** Component j of pair i's difference vector v_i. */
    public double pairDiff(int i, int j) {
        return pairDiffs[i * basisDim + j];
    }

    /** Component j of reward i's psi. */
    public double rewardPsi(int i, int j) {
        return rewardPsi[i * basisDim + j];
    }

    public double rewardValue(int i) {
        return rewardValues[i];
    }

    /** Read-only views for hot loops in this and the learn package (never written after build). */
    public double[] pairDiffsView() {
        return pairDiffs;
    }

    public double[] rewardPsiView() {
        return rewardPsi;
    }

    public double[] rewardValuesView() {
        return rewardValues;
    }

    /** Collects contexts in arrival order. */
    public static final class Builder {
        private final UtilityBasis basis;
        private final int d;
        private double[] pairs;
        private int pairCount;
        private double[] rewardPsi;
        private double[] rewardValues;
        private int rewardCount;
        private final double[] psiA;
        private final double[] psiB;

        private Builder(UtilityBasis basis, int expected) {
            this.basis = basis;
            this.d = basis.dimension();
            int cap = Math.max(expected, 1);
            this.pairs = new double[cap * d];
            this.rewardPsi = new double[cap * d];
            this.rewardValues = new double[cap];
            this.psiA = new double[d];
            this.psiB = new double[d];
        }

        /** A comparison: the winner had (qWin, csWin), the loser (qLose, csLose); cs is normalised cost. */
        public Builder addPair(double qWin, double csWin, double qLose, double csLose) {
            if (pairs.length < (pairCount + 1) * d) pairs = Arrays.copyOf(pairs, 2 * pairs.length + d);
            basis.value(qWin, csWin, psiA, 0);
            basis.value(qLose, csLose, psiB, 0);
            int off = pairCount * d;
            for (int j = 0; j < d; j++) pairs[off + j] = psiA[j] - psiB[j];
            pairCount++;
            return this;
        }

        /** A reward r for an outcome of quality q and normalised cost cs. */
        public Builder addReward(double q, double cs, double reward) {
            if (rewardValues.length < rewardCount + 1) {
                rewardValues = Arrays.copyOf(rewardValues, 2 * rewardValues.length + 1);
                rewardPsi = Arrays.copyOf(rewardPsi, rewardValues.length * d);
            }
            basis.value(q, cs, rewardPsi, rewardCount * d);
            rewardValues[rewardCount++] = reward;
            return this;
        }

        public FeedbackContexts build() {
            return new FeedbackContexts(d, pairCount, Arrays.copyOf(pairs, pairCount * d), rewardCount,
                    Arrays.copyOf(rewardPsi, rewardCount * d), Arrays.copyOf(rewardValues, rewardCount));
        }
    }
}
