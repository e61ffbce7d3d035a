package ai.metarouter.core.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Everything meta-training learns: the preference encoder, the population prior and its latent
 * map, and the inner loop's step sizes and prior strengths. Immutable. The optimiser sees one flat
 * vector ({@link #toArray()}, blocks in {@link MetaBlock} order at {@link MetaDimensions#offset});
 * the artifact code sees named blocks ({@link #toBlocks()}).
 */
public final class MetaParameters {
    private final MetaDimensions dims;
    private final double[] values;

    private MetaParameters(MetaDimensions dims, double[] values) {
        this.dims = dims;
        this.values = values;
    }

    /** Parameters from a flat vector (copied); non-finite values are rejected. */
    public static MetaParameters of(MetaDimensions dims, double[] flat) {
        if (flat.length != dims.size()) {
            throw new IllegalArgumentException("meta-parameters need " + dims.size() + " values for " + dims + ", got " + flat.length);
        }
        for (int i = 0; i < flat.length; i++) {
            if (!Double.isFinite(flat[i])) throw new IllegalArgumentException("meta-parameter " + i + " is not finite: " + flat[i]);
        }
        return new MetaParameters(dims, flat.clone());
    }

    /**
     * The seeded initialisation: weights Gaussian with standard deviation {@code 0.5 / sqrt(fan_in)}
     * (encoder) or 0.1 (latent map A), biases 0, {@code theta0 = betaInit * (1, -0.5, 0, ...)} (a
     * moderately cost-averse population until training says otherwise), {@code alpha = 0.5},
     * {@code rho = 1}, reward scale {@code kappa = betaInit} (rewards in the prior's units).
     */
    public static MetaParameters initial(MetaDimensions dims, long seed, double betaInit) {
        double[] v = new double[dims.size()];
        SplittableRandom rng = new SplittableRandom(seed);
        int d = dims.basisDim();
        int h = dims.hidden();
        gaussian(v, dims.offset(MetaBlock.W1), h * d, 0.5 / Math.sqrt(d), rng);
        gaussian(v, dims.offset(MetaBlock.W1R), h * dims.rewardInputDim(), 0.5 / Math.sqrt(dims.rewardInputDim()), rng);
        gaussian(v, dims.offset(MetaBlock.W2), dims.blockSize(MetaBlock.W2), 0.5 / Math.sqrt(h + 1), rng);
        gaussian(v, dims.offset(MetaBlock.A), dims.blockSize(MetaBlock.A), 0.1, rng);
        int t0 = dims.offset(MetaBlock.THETA0);
        v[t0] = betaInit;
        if (d > 1) v[t0 + 1] = -0.5 * betaInit;
        Arrays.fill(v, dims.offset(MetaBlock.LOG_ALPHA), dims.offset(MetaBlock.LOG_ALPHA) + d, Math.log(0.5));
        Arrays.fill(v, dims.offset(MetaBlock.LOG_RHO), dims.offset(MetaBlock.LOG_RHO) + d, 0.0);
        v[dims.offset(MetaBlock.LOG_REWARD_SCALE)] = Math.log(betaInit);
        return new MetaParameters(dims, v);
    }

    private static void gaussian(double[] v, int off, int n, double std, SplittableRandom rng) {
        for (int i = 0; i < n; i++) v[off + i] = std * nextGaussian(rng);
    }

    /** A standard normal draw (Box-Muller on SplittableRandom, so the stream is fixed across JDKs). */
    public static double nextGaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    public MetaDimensions dims() {
        return dims;
    }

    public int size() {
        return values.length;
    }

    /** The flat vector, a copy. */
    public double[] toArray() {
        return values.clone();
    }

    public double get(int flatIndex) {
        return values[flatIndex];
    }

    /** One block's values, a copy. */
    public double[] block(MetaBlock b) {
        int off = dims.offset(b);
        return Arrays.copyOfRange(values, off, off + dims.blockSize(b));
    }

    /** The same parameters with one block replaced. */
    public MetaParameters withBlock(MetaBlock b, double[] blockValues) {
        if (blockValues.length != dims.blockSize(b)) {
            throw new IllegalArgumentException(b.blockName() + " needs " + dims.blockSize(b) + " values, got " + blockValues.length);
        }
        double[] v = values.clone();
        System.arraycopy(blockValues, 0, v, dims.offset(b), blockValues.length);
        return of(dims, v);
    }

    /** Named blocks in {@link MetaBlock} order, for the artifact writer. */
    public Map<String, NamedTensor> toBlocks() {
        Map<String, NamedTensor> m = new LinkedHashMap<>();
        for (MetaBlock b : MetaBlock.values()) m.put(b.blockName(), NamedTensor.of(b.blockName(), dims.shape(b), block(b)));
        return m;
    }

    /** Reads {@link #toBlocks()}'s form (other blocks in the map are ignored); shapes are checked. */
    public static MetaParameters fromBlocks(Map<String, NamedTensor> blocks) {
        MetaDimensions dims = MetaDimensions.fromBlocks(blocks);
        double[] v = new double[dims.size()];
        for (MetaBlock b : MetaBlock.values()) {
            double[] data = OutcomePredictor.requireBlock(blocks, b.blockName()).require(dims.shape(b));
            System.arraycopy(data, 0, v, dims.offset(b), data.length);
        }
        return of(dims, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetaParameters p && dims.equals(p.dims) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "MetaParameters[" + dims + ", " + values.length + " values]";
    }
}
