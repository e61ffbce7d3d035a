package ai.metarouter.core.learn;

import ai.metarouter.core.model.NamedTensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam's moments after {@code step} steps: what a checkpoint must hold besides the parameters for
 * a resumed run to continue bit-identically. Immutable; {@link #toBlocks()} gives the named
 * blocks for the artifact codec, {@link java.io.Serializable} covers Java serialisation.
 *
 * @param step number of steps taken
 * @param m first moments
 * @param v second moments
 */
public record AdamState(long step, double[] m, double[] v) implements Serializable {
    public static final String BLOCK_STEP = "adam.step";
    public static final String BLOCK_M = "adam.m";
    public static final String BLOCK_V = "adam.v";

    public AdamState {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0");
        if (m.length != v.length) throw new IllegalArgumentException("moment vectors differ in length");
        m = m.clone();
        v = v.clone();
    }

    public static AdamState initial(int size) {
        return new AdamState(0, new double[size], new double[size]);
    }

    @Override
    public double[] m() {
        return m.clone();
    }

    @Override
    public double[] v() {
        return v.clone();
    }

    public int size() {
        return m.length;
    }

    /** Named blocks; the step count is stored as a 1-element block (exact up to 2^53 steps). */
    public Map<String, NamedTensor> toBlocks() {
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        out.put(BLOCK_STEP, NamedTensor.of(BLOCK_STEP, new int[] {1}, new double[] {step}));
        out.put(BLOCK_M, NamedTensor.of(BLOCK_M, new int[] {m.length}, m));
        out.put(BLOCK_V, NamedTensor.of(BLOCK_V, new int[] {v.length}, v));
        return out;
    }

    public static AdamState fromBlocks(Map<String, NamedTensor> blocks) {
        NamedTensor s = blocks.get(BLOCK_STEP);
        NamedTensor mm = blocks.get(BLOCK_M);
        NamedTensor vv = blocks.get(BLOCK_V);
        if (s == null || mm == null || vv == null) throw new IllegalArgumentException("Adam state needs blocks " + BLOCK_STEP + ", " + BLOCK_M + ", " + BLOCK_V);
        double step = s.require(1)[0];
        if (step != Math.rint(step) || step < 0) throw new IllegalArgumentException(BLOCK_STEP + " must be a non-negative integer, got " + step);
        int n = mm.shape()[0];
        return new AdamState((long) step, mm.require(n), vv.require(n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdamState a && step == a.step && Arrays.equals(m, a.m) && Arrays.equals(v, a.v);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(step) + Arrays.hashCode(m);
    }

    @Override
    public String toString() {
        return "AdamState[step=" + step + ", size=" + m.length + "]";
    }
}
