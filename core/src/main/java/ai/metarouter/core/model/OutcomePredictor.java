package ai.metarouter.core.model;

import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.featurize.QueryFeatures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expected quality and cost of an answer, per (query, model), shared by all users: the classic
 * predictive router, and the input the user-specific policy scores.
 * <pre>
 *   h(x)     = [U phi(x) ; 1]                      in R^(r+1), U is r x dim, shared by all arms
 *   q^(x, a) = sigmoid(h(x) . e_a)
 *   c^(x, a) = exp(k_a0 + k_a1 log1p(tokens(x)))
 * </pre>
 * Arms are rows of descriptors, not output slots: {@link #withArm} onboards a model,
 * {@link #withoutArm} retires one, and any subset can be scored. U is stored transposed
 * ({@code dim x r}, row j = the r weights of feature j) because queries are sparse: h costs
 * {@code nnz(x) * r} multiply-adds over contiguous memory. Immutable.
 */
public final class OutcomePredictor {
    public static final String BLOCK_PROJECTION = "outcome.queryProjection";
    public static final String BLOCK_EMBEDDINGS = "outcome.armEmbeddings";
    public static final String BLOCK_COST = "outcome.armCostCoefficients";

    private final int featureDim;
    private final int rank;
    private final double[] projection;
    private final List<ArmDescriptor> arms;
    private final Map<String, Integer> armIndex;
    private final double[] embeddings;
    private final double[] costIntercepts;
    private final double[] costSlopes;

    /**
     * @param featureDim dim of the query features
     * @param rank r, the width of the query representation (without its constant 1)
     * @param projectionTransposed U transposed, {@code featureDim * rank} values, row-major
     * @param arms the arms, each with an embedding of length {@code rank + 1}
     */
    public OutcomePredictor(int featureDim, int rank, double[] projectionTransposed, List<ArmDescriptor> arms) {
        if (featureDim < 1 || rank < 0) throw new IllegalArgumentException("bad predictor dimensions " + featureDim + " x " + rank);
        if (projectionTransposed.length != (long) featureDim * rank) {
            throw new IllegalArgumentException("projection needs " + ((long) featureDim * rank) + " values, got " + projectionTransposed.length);
        }
        for (double v : projectionTransposed) if (!Double.isFinite(v)) throw new IllegalArgumentException("non-finite query projection weight");
        this.featureDim = featureDim;
        this.rank = rank;
        this.projection = projectionTransposed.clone();
        this.arms = List.copyOf(arms);
        this.armIndex = new HashMap<>();
        int width = rank + 1;
        this.embeddings = new double[this.arms.size() * width];
        this.costIntercepts = new double[this.arms.size()];
        this.costSlopes = new double[this.arms.size()];
        for (int a = 0; a < this.arms.size(); a++) {
            ArmDescriptor arm = this.arms.get(a);
            if (armIndex.put(arm.id(), a) != null) throw new IllegalArgumentException("duplicate arm " + arm.id());
            double[] e = arm.embedding();
            if (e.length != width) throw new IllegalArgumentException("arm " + arm.id() + ": embedding has " + e.length + " values, expected " + width);
            System.arraycopy(e, 0, embeddings, a * width, width);
            costIntercepts[a] = arm.costIntercept();
            costSlopes[a] = arm.costSlope();
        }
    }

    public int featureDim() {
        return featureDim;
    }

    public int rank() {
        return rank;
    }

    public List<ArmDescriptor> arms() {
        return arms;
    }

    public List<String> armIds() {
        List<String> ids = new ArrayList<>(arms.size());
        for (ArmDescriptor a : arms) ids.add(a.id());
        return ids;
    }

    public int numArms() {
        return arms.size();
    }

    /** Index of an arm, or -1 when this predictor does not know it. */
    public int armIndex(String id) {
        Integer a = armIndex.get(id);
        return a == null ? -1 : a;
    }

    public ArmDescriptor arm(String id) {
        Integer a = armIndex.get(id);
        if (a == null) throw new IllegalArgumentException("unknown model: " + id);
        return arms.get(a);
    }

    /** Arm indices of candidate ids; an unknown id is a one-line error naming it. */
    public int[] resolve(List<String> candidates) {
        int[] idx = new int[candidates.size()];
        for (int i = 0; i < idx.length; i++) {
            Integer a = armIndex.get(candidates.get(i));
            if (a == null) throw new IllegalArgumentException("unknown model in candidates: " + candidates.get(i));
            idx[i] = a;
        }
        return idx;
    }

    /** U transposed, a copy (for trainers and onboarding). */
    public double[] projectionTransposed() {
        return projection.clone();
    }

    /** Writes h(x) = [U phi(x); 1] into {@code h[0 .. rank]}. Feature indices beyond dim are ignored. */
    public void queryRepresentation(QueryFeatures x, double[] h) {
        int r = rank;
        java.util.Arrays.fill(h, 0, r, 0.0);
        int[] idx = x.indices();
        double[] val = x.values();
        double[] u = projection;
        for (int n = 0; n < idx.length; n++) {
            int j = idx[n];
            if (j >= featureDim) continue;
            double v = val[n];
            int base = j * r;
            for (int k = 0; k < r; k++) h[k] += u[base + k] * v;
        }
        h[r] = 1.0;
    }

    public double[] queryRepresentation(QueryFeatures x) {
        double[] h = new double[rank + 1];
        queryRepresentation(x, h);
        return h;
    }

    /** The logit h . e_a of arm index {@code a}. */
    public double qualityLogit(double[] h, int a) {
        int width = rank + 1;
        int base = a * width;
        double s = 0;
        for (int k = 0; k < width; k++) s += h[k] * embeddings[base + k];
        return s;
    }

    /** q^(x, a) for a precomputed representation h. */
    public double expectedQuality(double[] h, int a) {
        return sigmoid(qualityLogit(h, a));
    }

    /** c^(x, a) in USD. */
    public double expectedCost(int tokenCount, int a) {
        return Math.exp(costIntercepts[a] + costSlopes[a] * Math.log1p(tokenCount));
    }

    /** Expected quality and cost of each candidate arm index into {@code qOut}, {@code cOut}. */
    public void predict(QueryFeatures x, int[] armIdx, double[] qOut, double[] cOut) {
        double[] h = new double[rank + 1];
        queryRepresentation(x, h);
        double lt = Math.log1p(x.tokenCount());
        for (int i = 0; i < armIdx.length; i++) {
            int a = armIdx[i];
            qOut[i] = sigmoid(qualityLogit(h, a));
            cOut[i] = Math.exp(costIntercepts[a] + costSlopes[a] * lt);
        }
    }

    /** Expected quality and cost of candidate model ids. */
    public void predict(QueryFeatures x, List<String> candidates, double[] qOut, double[] cOut) {
        predict(x, resolve(candidates), qOut, cOut);
    }

    /** The same predictor with one more arm (or a replaced one, same id). */
    public OutcomePredictor withArm(ArmDescriptor arm) {
        List<ArmDescriptor> next = new ArrayList<>(arms);
        Integer a = armIndex.get(arm.id());
        if (a == null) next.add(arm);
        else next.set(a, arm);
        return new OutcomePredictor(featureDim, rank, projection, next);
    }

    /** The same predictor without an arm. Removing a model at serving time needs no retraining. */
    public OutcomePredictor withoutArm(String id) {
        List<ArmDescriptor> next = new ArrayList<>(arms);
        if (!next.removeIf(a -> a.id().equals(id))) throw new IllegalArgumentException("unknown model: " + id);
        return new OutcomePredictor(featureDim, rank, projection, next);
    }

    /**
     * The parameters as named blocks (arm rows in {@link #armIds()} order; the catalog entries are
     * manifest metadata, not weights): {@value #BLOCK_PROJECTION} [dim, r] (U transposed),
     * {@value #BLOCK_EMBEDDINGS} [arms, r+1], {@value #BLOCK_COST} [arms, 2] (intercept, slope).
     */
    public Map<String, NamedTensor> toBlocks() {
        Map<String, NamedTensor> m = new LinkedHashMap<>();
        int n = arms.size();
        m.put(BLOCK_PROJECTION, NamedTensor.of(BLOCK_PROJECTION, new int[] {featureDim, rank}, projection));
        m.put(BLOCK_EMBEDDINGS, NamedTensor.of(BLOCK_EMBEDDINGS, new int[] {n, rank + 1}, embeddings));
        double[] cost = new double[2 * n];
        for (int a = 0; a < n; a++) {
            cost[2 * a] = costIntercepts[a];
            cost[2 * a + 1] = costSlopes[a];
        }
        m.put(BLOCK_COST, NamedTensor.of(BLOCK_COST, new int[] {n, 2}, cost));
        return m;
    }

    /** Rebuilds a predictor from {@link #toBlocks()}; {@code arms} are the catalog entries in block row order. */
    public static OutcomePredictor fromBlocks(Map<String, NamedTensor> blocks, List<ModelInfo> arms) {
        NamedTensor p = requireBlock(blocks, BLOCK_PROJECTION);
        int[] ps = p.shape();
        if (ps.length != 2) throw new IllegalArgumentException("parameter block " + BLOCK_PROJECTION + " must be a matrix");
        int dim = ps[0];
        int r = ps[1];
        int n = arms.size();
        double[] emb = requireBlock(blocks, BLOCK_EMBEDDINGS).require(n, r + 1);
        double[] cost = requireBlock(blocks, BLOCK_COST).require(n, 2);
        List<ArmDescriptor> list = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            double[] e = new double[r + 1];
            System.arraycopy(emb, a * (r + 1), e, 0, r + 1);
            list.add(new ArmDescriptor(arms.get(a), e, cost[2 * a], cost[2 * a + 1]));
        }
        return new OutcomePredictor(dim, r, p.values(), list);
    }

    static NamedTensor requireBlock(Map<String, NamedTensor> blocks, String name) {
        NamedTensor t = blocks.get(name);
        if (t == null) throw new IllegalArgumentException("parameter block " + name + " is missing");
        return t;
    }

    /** Numerically safe logistic function. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
