package ai.metarouter.core.learn;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.ArmDescriptor;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.OutcomePredictor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits the {@link OutcomePredictor} on an outcome table (use its train split):
 * <ul>
 *   <li>quality: mean binary cross-entropy with soft targets (quality in [0, 1]) over the observed
 *       cells, plus L2 on U and on the embeddings (not on their bias component, which should carry
 *       each arm's base rate unshrunk); Adam over seeded mini-batches of queries, deterministic;</li>
 *   <li>cost: per arm, ordinary least squares of {@code ln max(cost, 1e-7)} on
 *       {@code [1, log1p(tokens)]} (closed form, a tiny ridge on the slope so a constant token
 *       count cannot make it singular).</li>
 * </ul>
 * Catalog models with no observed cells get the price-weighted prior of {@link ArmOnboarding}.
 */
public final class OutcomePredictorTrainer {
    private final OutcomeTrainerConfig config;

    public OutcomePredictorTrainer(OutcomeTrainerConfig config) {
        this.config = config;
    }

    public OutcomeTrainerConfig config() {
        return config;
    }

    /** Fits on every query of {@code table}; arms are the table's models that have observations, then the catalog's others. */
    public OutcomePredictor fit(OutcomeTable table, ModelCatalog catalog, HashedNgramFeaturizer featurizer) {
        int dim = featurizer.spec().dim();
        int r = config.rank();
        List<String> armIds = new ArrayList<>();
        List<Integer> tableCols = new ArrayList<>();
        for (int m = 0; m < table.numModels(); m++) {
            String id = table.model(m);
            if (!catalog.contains(id)) throw new IllegalArgumentException("model " + id + " of the outcome table is not in the catalog");
            if (!Double.isNaN(table.meanQuality(m))) {
                armIds.add(id);
                tableCols.add(m);
            }
        }
        int nA = armIds.size();
        int nQ = table.numQueries();
        List<QueryFeatures> features = new ArrayList<>(nQ);
        for (int i = 0; i < nQ; i++) features.add(featurizer.featurize(table.query(i).prompt()));
        double[] quality = new double[nQ * nA];
        double[] cost = new double[nQ * nA];
        for (int i = 0; i < nQ; i++) {
            for (int a = 0; a < nA; a++) {
                int m = tableCols.get(a);
                quality[i * nA + a] = table.has(i, m) ? table.quality(i, m) : Double.NaN;
                cost[i * nA + a] = table.has(i, m) ? table.cost(i, m) : Double.NaN;
            }
        }
        QualityObjective objective = new QualityObjective(features, quality, nA, dim, r, config.l2Projection(), config.l2Embedding());
        double[] params = initialParameters(objective, quality);
        train(objective, params);

        List<ArmDescriptor> arms = new ArrayList<>(nA);
        for (int a = 0; a < nA; a++) {
            double[] e = new double[r + 1];
            System.arraycopy(params, objective.embeddingOffset() + a * (r + 1), e, 0, r + 1);
            double[] k = fitCost(features, cost, a, nA);
            arms.add(new ArmDescriptor(catalog.get(armIds.get(a)), e, k[0], k[1]));
        }
        double[] ut = new double[dim * r];
        System.arraycopy(params, 0, ut, 0, ut.length);
        OutcomePredictor predictor = new OutcomePredictor(dim, r, ut, arms);
        for (ModelInfo info : catalog.models()) {
            if (predictor.armIndex(info.id()) < 0) predictor = predictor.withArm(ArmOnboarding.prior(predictor, info));
        }
        return predictor;
    }

    private double[] initialParameters(QualityObjective obj, double[] quality) {
        int r = config.rank();
        int nA = obj.arms();
        double[] p = new double[obj.size()];
        SplittableRandom rng = new SplittableRandom(config.seed());
        for (int i = 0; i < obj.embeddingOffset(); i++) p[i] = config.initStd() * MetaParameters.nextGaussian(rng);
        for (int a = 0; a < nA; a++) {
            int o = obj.embeddingOffset() + a * (r + 1);
            for (int k = 0; k < r; k++) p[o + k] = config.initStd() * MetaParameters.nextGaussian(rng);
            // Start each arm at its base rate so the first epochs learn the words, not the means.
            double sum = 0;
            int n = 0;
            for (int i = a; i < quality.length; i += nA) {
                if (!Double.isNaN(quality[i])) {
                    sum += quality[i];
                    n++;
                }
            }
            double mean = n == 0 ? 0.5 : Math.min(0.99, Math.max(0.01, sum / n));
            p[o + r] = Math.log(mean / (1 - mean));
        }
        return p;
    }

    private void train(QualityObjective obj, double[] params) {
        int nQ = obj.queries();
        if (nQ == 0 || config.epochs() == 0) return;
        AdamConfig adam = new AdamConfig(config.learningRate(), 0.9, 0.999, 1e-8, 0.0);
        double[] m = new double[params.length];
        double[] v = new double[params.length];
        double[] grad = new double[params.length];
        int[] order = new int[nQ];
        for (int i = 0; i < nQ; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(config.seed() ^ 0x6f75_7463_6f6d_6521L);
        int bs = Math.min(config.batchSize(), nQ);
        long t = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int i = nQ - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int start = 0; start < nQ; start += bs) {
                int end = Math.min(nQ, start + bs);
                obj.lossAndGradient(params, order, start, end, grad);
                Adam.stepInPlace(params, grad, m, v, ++t, adam);
            }
        }
    }

    /** (intercept, slope) of ln cost on log1p(tokens) for arm a. */
    private static double[] fitCost(List<QueryFeatures> features, double[] cost, int a, int nA) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < features.size(); i++) {
            double c = cost[i * nA + a];
            if (Double.isNaN(c)) continue;
            double x = Math.log1p(features.get(i).tokenCount());
            double y = Math.log(Math.max(c, CostScale.FLOOR_USD));
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        if (n == 0) return new double[] {Math.log(CostScale.FLOOR_USD), 0.0};
        double mx = sx / n;
        double my = sy / n;
        double varX = sxx / n - mx * mx;
        double covXY = sxy / n - mx * my;
        double slope = covXY / (Math.max(varX, 0.0) + 1e-9);
        return new double[] {my - slope * mx, slope};
    }

    /**
     * The quality loss over a set of queries and its gradient, on the flat vector
     * {@code [U transposed (dim x r) ; embeddings (arms x (r+1))]}. Public for gradient checks.
     */
    public static final class QualityObjective {
        private final List<QueryFeatures> features;
        private final double[] quality;
        private final int arms;
        private final int dim;
        private final int rank;
        private final double l2U;
        private final double l2E;

        /**
         * @param features featurised queries
         * @param quality observed quality per (query, arm), row-major queries x arms, NaN = unobserved
         */
        public QualityObjective(List<QueryFeatures> features, double[] quality, int arms, int dim, int rank, double l2U, double l2E) {
            if (quality.length != features.size() * arms) throw new IllegalArgumentException("quality grid has the wrong size");
            this.features = features;
            this.quality = quality;
            this.arms = arms;
            this.dim = dim;
            this.rank = rank;
            this.l2U = l2U;
            this.l2E = l2E;
        }

        public int size() {
            return dim * rank + arms * (rank + 1);
        }

        public int embeddingOffset() {
            return dim * rank;
        }

        public int queries() {
            return features.size();
        }

        public int arms() {
            return arms;
        }

        /**
         * Mean cross-entropy over the observed cells of queries {@code order[start..end)} plus the
         * L2 terms; the gradient is written (not added) into {@code grad}.
         */
        public double lossAndGradient(double[] p, int[] order, int start, int end, double[] grad) {
            int r = rank;
            int w = r + 1;
            int eo = embeddingOffset();
            java.util.Arrays.fill(grad, 0.0);
            int cells = 0;
            for (int b = start; b < end; b++) {
                int i = order[b];
                for (int a = 0; a < arms; a++) if (!Double.isNaN(quality[i * arms + a])) cells++;
            }
            double inv = cells == 0 ? 0 : 1.0 / cells;
            double loss = 0;
            double[] h = new double[w];
            double[] dh = new double[r];
            for (int b = start; b < end; b++) {
                int i = order[b];
                QueryFeatures x = features.get(i);
                int[] idx = x.indices();
                double[] val = x.values();
                java.util.Arrays.fill(h, 0.0);
                for (int n = 0; n < idx.length; n++) {
                    int base = idx[n] * r;
                    for (int k = 0; k < r; k++) h[k] += p[base + k] * val[n];
                }
                h[r] = 1.0;
                java.util.Arrays.fill(dh, 0.0);
                for (int a = 0; a < arms; a++) {
                    double y = quality[i * arms + a];
                    if (Double.isNaN(y)) continue;
                    int o = eo + a * w;
                    double mgn = 0;
                    for (int k = 0; k < w; k++) mgn += h[k] * p[o + k];
                    loss += inv * (InnerLoop.softplus(mgn) - y * mgn);
                    double delta = inv * (OutcomePredictor.sigmoid(mgn) - y);
                    for (int k = 0; k < w; k++) grad[o + k] += delta * h[k];
                    for (int k = 0; k < r; k++) dh[k] += delta * p[o + k];
                }
                for (int n = 0; n < idx.length; n++) {
                    int base = idx[n] * r;
                    for (int k = 0; k < r; k++) grad[base + k] += dh[k] * val[n];
                }
            }
            double regU = 0;
            for (int j = 0; j < eo; j++) {
                regU += p[j] * p[j];
                grad[j] += l2U * p[j];
            }
            double regE = 0;
            for (int a = 0; a < arms; a++) {
                int o = eo + a * w;
                for (int k = 0; k < r; k++) {
                    regE += p[o + k] * p[o + k];
                    grad[o + k] += l2E * p[o + k];
                }
            }
            return loss + 0.5 * l2U * regU + 0.5 * l2E * regE;
        }
    }
}
