package ai.metarouter.core.learn;

import java.io.Serializable;

/**
 * Sums of per-user contributions for one outer iteration: weighted loss and gradient, total
 * weight, users, skipped users, scored events, and the logged diagnostics. Mergeable, so Spark can
 * {@code treeAggregate} it ({@link #add} as seqOp, {@link #merge} as combOp).
 *
 * <p>Every sum is kept with Neumaier's compensated summation (a running sum plus a running
 * error term), which makes the result independent of the order and grouping of additions to
 * well below 1e-12 relative in practice. That is what lets a Spark run with any number of
 * partitions reproduce the single-machine reference trainer. The accumulator is the one
 * deliberately mutable class here: it is a fold's working buffer, owned by one task at a time.
 */
public final class GradientAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] gradSum;
    private final double[] gradComp;
    private final double[] scalars = new double[SCALARS];
    private final double[] scalarComp = new double[SCALARS];
    private long users;
    private long skippedUsers;
    private long events;

    private static final int LOSS = 0;
    private static final int WEIGHT = 1;
    private static final int IPS = 2;
    private static final int ENTROPY = 3;
    private static final int PAIR_LL = 4;
    private static final int CONTEXTS = 5;
    private static final int SCALARS = 6;

    public GradientAccumulator(int size) {
        this.gradSum = new double[size];
        this.gradComp = new double[size];
    }

    public int size() {
        return gradSum.length;
    }

    /** Adds one user's contribution with {@code weight}; an empty one only counts as skipped. */
    public GradientAccumulator add(UserGradient g, double weight) {
        if (g.isEmpty()) {
            skippedUsers++;
            return this;
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) throw new IllegalArgumentException("weight must be finite and >= 0");
        double[] grad = g.gradient();
        if (grad.length != gradSum.length) throw new IllegalArgumentException("gradient has " + grad.length + " values, accumulator " + gradSum.length);
        for (int i = 0; i < grad.length; i++) addTo(gradSum, gradComp, i, weight * grad[i]);
        addTo(scalars, scalarComp, LOSS, weight * g.loss());
        addTo(scalars, scalarComp, WEIGHT, weight);
        addTo(scalars, scalarComp, IPS, weight * g.ipsValue());
        addTo(scalars, scalarComp, ENTROPY, weight * g.entropy());
        addTo(scalars, scalarComp, PAIR_LL, weight * g.pairLogLikelihood());
        addTo(scalars, scalarComp, CONTEXTS, weight * g.contexts());
        users++;
        events += g.events();
        return this;
    }

    /** Adds another accumulator's sums into this one (and returns this). */
    public GradientAccumulator merge(GradientAccumulator other) {
        if (other.gradSum.length != gradSum.length) throw new IllegalArgumentException("cannot merge accumulators of different sizes");
        for (int i = 0; i < gradSum.length; i++) {
            addTo(gradSum, gradComp, i, other.gradSum[i]);
            gradComp[i] += other.gradComp[i];
        }
        for (int i = 0; i < SCALARS; i++) {
            addTo(scalars, scalarComp, i, other.scalars[i]);
            scalarComp[i] += other.scalarComp[i];
        }
        users += other.users;
        skippedUsers += other.skippedUsers;
        events += other.events;
        return this;
    }

    /** Neumaier's step: the rounding error of s + x is recovered exactly and kept in comp. */
    private static void addTo(double[] sum, double[] comp, int i, double x) {
        double s = sum[i];
        double t = s + x;
        if (Math.abs(s) >= Math.abs(x)) comp[i] += (s - t) + x;
        else comp[i] += (x - t) + s;
        sum[i] = t;
    }

    /** The weighted gradient sum. */
    public double[] gradientSum() {
        double[] out = new double[gradSum.length];
        for (int i = 0; i < out.length; i++) out[i] = gradSum[i] + gradComp[i];
        return out;
    }

    /** The weighted mean gradient (zeros when nothing was added). */
    public double[] meanGradient() {
        double w = weight();
        double[] out = gradientSum();
        if (w > 0) for (int i = 0; i < out.length; i++) out[i] /= w;
        return out;
    }

    public double lossSum() {
        return value(LOSS);
    }

    public double weight() {
        return value(WEIGHT);
    }

    public double meanLoss() {
        return mean(LOSS);
    }

    public double meanIpsValue() {
        return mean(IPS);
    }

    public double meanEntropy() {
        return mean(ENTROPY);
    }

    public double meanPairLogLikelihood() {
        return mean(PAIR_LL);
    }

    public double meanContexts() {
        return mean(CONTEXTS);
    }

    public long users() {
        return users;
    }

    public long skippedUsers() {
        return skippedUsers;
    }

    public long events() {
        return events;
    }

    private double value(int i) {
        return scalars[i] + scalarComp[i];
    }

    private double mean(int i) {
        double w = weight();
        return w > 0 ? value(i) / w : 0.0;
    }
}
