package ai.metarouter.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature map psi(q, cs) in which a user's estimated utility is linear,
 * {@code u(q, c) = theta . psi(q, cs(c))}. The default basis (d = 7) is
 * <pre>  psi = [q, cs, relu(cs - 0.25), relu(cs - 0.5), relu(cs - 0.75), relu(0.5 - q), relu(0.8 - q)]</pre>
 * In-distribution users ({@code U = q - lambda cs}) are exactly {@code theta = beta (1, -lambda, 0, ...)};
 * the hinge terms let a handful of parameters approximate budgets (a steep cost hinge), quality
 * floors (a steep quality hinge) and concave or thresholded utilities, which is what out-of-
 * distribution users need. Immutable; the knots are part of the artifact ({@link #toMap()}).
 */
public final class UtilityBasis {
    public static final double[] DEFAULT_COST_KNOTS = {0.25, 0.5, 0.75};
    public static final double[] DEFAULT_QUALITY_KNOTS = {0.5, 0.8};

    private final double[] costKnots;
    private final double[] qualityKnots;
    private final int dimension;

    /**
     * @param costKnots k for each term {@code relu(cs - k)}
     * @param qualityKnots k for each term {@code relu(k - q)}
     */
    public UtilityBasis(double[] costKnots, double[] qualityKnots) {
        for (double k : costKnots) if (!Double.isFinite(k)) throw new IllegalArgumentException("cost knots must be finite");
        for (double k : qualityKnots) if (!Double.isFinite(k)) throw new IllegalArgumentException("quality knots must be finite");
        this.costKnots = costKnots.clone();
        this.qualityKnots = qualityKnots.clone();
        this.dimension = 2 + costKnots.length + qualityKnots.length;
    }

    public static UtilityBasis defaults() {
        return new UtilityBasis(DEFAULT_COST_KNOTS, DEFAULT_QUALITY_KNOTS);
    }

    /** d, the number of basis functions (= the length of a user's theta). */
    public int dimension() {
        return dimension;
    }

    /** Index of the quality term (the ID users' positive weight). */
    public static int qualityIndex() {
        return 0;
    }

    /** Index of the linear cost term (the ID users' -lambda weight). */
    public static int costIndex() {
        return 1;
    }

    /** Writes psi(q, cs) into {@code out[offset .. offset + d)}. */
    public void value(double q, double cs, double[] out, int offset) {
        out[offset] = q;
        out[offset + 1] = cs;
        int j = offset + 2;
        for (double k : costKnots) out[j++] = cs > k ? cs - k : 0.0;
        for (double k : qualityKnots) out[j++] = q < k ? k - q : 0.0;
    }

    /** psi(q, cs) as a new array. */
    public double[] value(double q, double cs) {
        double[] out = new double[dimension];
        value(q, cs, out, 0);
        return out;
    }

    /** theta . psi(q, cs) without materialising psi. */
    public double utility(double[] theta, int thetaOffset, double q, double cs) {
        double u = theta[thetaOffset] * q + theta[thetaOffset + 1] * cs;
        int j = thetaOffset + 2;
        for (double k : costKnots) {
            if (cs > k) u += theta[j] * (cs - k);
            j++;
        }
        for (double k : qualityKnots) {
            if (q < k) u += theta[j] * (k - q);
            j++;
        }
        return u;
    }

    /** d psi / d q into {@code out} (the hinges' derivative at the knot is taken as 0, their right-hand side). */
    public void derivativeQuality(double q, double cs, double[] out, int offset) {
        Arrays.fill(out, offset, offset + dimension, 0.0);
        out[offset] = 1.0;
        int j = offset + 2 + costKnots.length;
        for (double k : qualityKnots) out[j++] = q < k ? -1.0 : 0.0;
    }

    /** d psi / d cs into {@code out} (0 at a knot, as for {@link #derivativeQuality}). */
    public void derivativeCost(double q, double cs, double[] out, int offset) {
        Arrays.fill(out, offset, offset + dimension, 0.0);
        out[offset + 1] = 1.0;
        int j = offset + 2;
        for (double k : costKnots) out[j++] = cs > k ? 1.0 : 0.0;
    }

    public double[] costKnots() {
        return costKnots.clone();
    }

    public double[] qualityKnots() {
        return qualityKnots.clone();
    }

    /**
     * The basis for outcomes whose quality is pass/fail: the same cost terms, no quality knots.
     * Why: with q in {0, 1} every {@code relu(k - q)} equals {@code k (1 - q)}, so feedback cannot
     * tell the knot coordinates of theta from the q coordinate, yet routing evaluates the basis at
     * the predicted pass probability q^ in (0, 1), where they change the scores; and for a
     * Bernoulli outcome only a basis linear in q makes {@code theta . psi(q^, c)} the expected utility.
     */
    public UtilityBasis forBinaryQuality() {
        return qualityKnots.length == 0 ? this : new UtilityBasis(costKnots, new double[0]);
    }

    /** Human-readable names of the basis functions, in order (for logs and reports). */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("q");
        n.add("cs");
        for (double k : costKnots) n.add("relu(cs-" + k + ")");
        for (double k : qualityKnots) n.add("relu(" + k + "-q)");
        return n;
    }

    /** The manifest form. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cost_knots", toList(costKnots));
        m.put("quality_knots", toList(qualityKnots));
        return m;
    }

    public static UtilityBasis fromMap(Map<String, ?> m) {
        return new UtilityBasis(doubles(m, "cost_knots"), doubles(m, "quality_knots"));
    }

    private static List<Double> toList(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) l.add(v);
        return l;
    }

    private static double[] doubles(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof List<?> list)) throw new IllegalArgumentException("utility basis: '" + key + "' must be a list of numbers");
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) throw new IllegalArgumentException("utility basis: '" + key + "'[" + i + "] is not a number");
            out[i] = n.doubleValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UtilityBasis b && Arrays.equals(costKnots, b.costKnots) && Arrays.equals(qualityKnots, b.qualityKnots);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(costKnots) + Arrays.hashCode(qualityKnots);
    }

    @Override
    public String toString() {
        return "UtilityBasis" + names();
    }
}
