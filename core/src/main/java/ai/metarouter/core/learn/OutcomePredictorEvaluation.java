package ai.metarouter.core.learn;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.OutcomePredictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How good the outcome predictor is on held-out queries, per model and pooled, next to the
 * baseline that ignores the query (predict each model's mean quality). If the predictor does not
 * beat that baseline it has not learned anything from the words. A pure function of a predictor,
 * a featuriser and tables; no I/O.
 *
 * <p>Labels for accuracy and AUC are {@code quality >= 0.5} (RouterBench's scores are 0/1); the
 * Brier score uses the soft quality. Costs are scored by the RMSE of log cost.
 */
public final class OutcomePredictorEvaluation {
    private OutcomePredictorEvaluation() {}

    /**
     * Metrics of one model (or of all cells pooled, model "*").
     *
     * @param model model id
     * @param cells observed (query, model) cells scored
     * @param positiveRate share of cells with quality >= 0.5
     * @param accuracy accuracy of {@code q^ >= 0.5}
     * @param auc ROC AUC of q^ against the label (NaN if one class is absent)
     * @param brier mean squared error of q^ against the quality
     * @param baselineAccuracy accuracy of predicting the model's mean quality
     * @param baselineAuc AUC of the mean-quality baseline (0.5 per model; pooled, it ranks models)
     * @param baselineBrier Brier score of the mean-quality baseline
     * @param costLogRmse RMSE of ln c^ against ln cost
     * @param baselineCostLogRmse RMSE of the model's mean ln cost against ln cost
     */
    public record ModelMetrics(String model, int cells, double positiveRate, double accuracy, double auc, double brier,
                               double baselineAccuracy, double baselineAuc, double baselineBrier,
                               double costLogRmse, double baselineCostLogRmse) {}

    /** Per-model rows in the predictor's arm order, and the pooled row. */
    public record Report(List<ModelMetrics> models, ModelMetrics pooled) {
        /** A fixed-width text table for logs and reports. */
        public String toTable() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-36s %6s %6s %7s %7s %7s %7s %7s %7s %8s %8s%n", "model", "cells", "pos",
                    "acc", "acc_b", "auc", "auc_b", "brier", "brier_b", "lnc_rmse", "lnc_b"));
            for (ModelMetrics m : models) row(sb, m);
            row(sb, pooled);
            return sb.toString();
        }

        private static void row(StringBuilder sb, ModelMetrics m) {
            sb.append(String.format(Locale.ROOT, "%-36s %6d %6.3f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %8.4f %8.4f%n", m.model(),
                    m.cells(), m.positiveRate(), m.accuracy(), m.baselineAccuracy(), m.auc(), m.baselineAuc(), m.brier(),
                    m.baselineBrier(), m.costLogRmse(), m.baselineCostLogRmse()));
        }
    }

    /**
     * Scores {@code predictor} on {@code test}; the baseline's per-model means are taken from
     * {@code test} itself. That baseline knows the test set's base rates, so it is optimistic, which
     * makes "the predictor beats the baseline" a conservative claim.
     */
    public static Report evaluate(OutcomePredictor predictor, HashedNgramFeaturizer featurizer, OutcomeTable test) {
        return evaluate(predictor, featurizer, test, test);
    }

    /** Scores {@code predictor} on {@code test}, baseline means from {@code reference} (e.g. the train split). */
    public static Report evaluate(OutcomePredictor predictor, HashedNgramFeaturizer featurizer, OutcomeTable reference, OutcomeTable test) {
        int nQ = test.numQueries();
        List<String> models = new ArrayList<>();
        for (String id : predictor.armIds()) if (test.modelIndex(id) >= 0) models.add(id);
        double[] pooledScore = new double[nQ * models.size()];
        double[] pooledBase = new double[pooledScore.length];
        double[] pooledQuality = new double[pooledScore.length];
        double[] pooledLnCostPred = new double[pooledScore.length];
        double[] pooledLnCostBase = new double[pooledScore.length];
        double[] pooledLnCost = new double[pooledScore.length];
        int pooledN = 0;
        double[][] h = new double[nQ][];
        int[] tokens = new int[nQ];
        for (int i = 0; i < nQ; i++) {
            QueryFeatures x = featurizer.featurize(test.query(i).prompt());
            h[i] = predictor.queryRepresentation(x);
            tokens[i] = x.tokenCount();
        }
        List<ModelMetrics> rows = new ArrayList<>();
        for (String id : models) {
            int a = predictor.armIndex(id);
            int col = test.modelIndex(id);
            int refCol = reference.modelIndex(id);
            double base = refCol < 0 ? Double.NaN : reference.meanQuality(refCol);
            double lnBase = refCol < 0 ? Double.NaN : meanLnCost(reference, refCol);
            int n = 0;
            double[] score = new double[nQ];
            double[] baseScore = new double[nQ];
            double[] q = new double[nQ];
            double[] lnPred = new double[nQ];
            double[] lnBaseArr = new double[nQ];
            double[] ln = new double[nQ];
            for (int i = 0; i < nQ; i++) {
                if (!test.has(i, col)) continue;
                score[n] = predictor.expectedQuality(h[i], a);
                baseScore[n] = base;
                q[n] = test.quality(i, col);
                lnPred[n] = Math.log(predictor.expectedCost(tokens[i], a));
                lnBaseArr[n] = lnBase;
                ln[n] = Math.log(Math.max(test.cost(i, col), CostScale.FLOOR_USD));
                n++;
            }
            rows.add(metrics(id, n, score, baseScore, q, lnPred, lnBaseArr, ln));
            System.arraycopy(score, 0, pooledScore, pooledN, n);
            System.arraycopy(baseScore, 0, pooledBase, pooledN, n);
            System.arraycopy(q, 0, pooledQuality, pooledN, n);
            System.arraycopy(lnPred, 0, pooledLnCostPred, pooledN, n);
            System.arraycopy(lnBaseArr, 0, pooledLnCostBase, pooledN, n);
            System.arraycopy(ln, 0, pooledLnCost, pooledN, n);
            pooledN += n;
        }
        ModelMetrics pooled = metrics("*", pooledN, pooledScore, pooledBase, pooledQuality, pooledLnCostPred, pooledLnCostBase, pooledLnCost);
        return new Report(List.copyOf(rows), pooled);
    }

    private static double meanLnCost(OutcomeTable t, int col) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < t.numQueries(); i++) {
            if (t.has(i, col)) {
                s += Math.log(Math.max(t.cost(i, col), CostScale.FLOOR_USD));
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static ModelMetrics metrics(String id, int n, double[] score, double[] base, double[] q, double[] lnPred,
                                        double[] lnBase, double[] ln) {
        boolean[] label = new boolean[n];
        int pos = 0;
        double acc = 0;
        double accB = 0;
        double brier = 0;
        double brierB = 0;
        double cost = 0;
        double costB = 0;
        for (int i = 0; i < n; i++) {
            label[i] = q[i] >= 0.5;
            if (label[i]) pos++;
            if ((score[i] >= 0.5) == label[i]) acc++;
            if ((base[i] >= 0.5) == label[i]) accB++;
            brier += (score[i] - q[i]) * (score[i] - q[i]);
            brierB += (base[i] - q[i]) * (base[i] - q[i]);
            cost += (lnPred[i] - ln[i]) * (lnPred[i] - ln[i]);
            costB += (lnBase[i] - ln[i]) * (lnBase[i] - ln[i]);
        }
        double inv = n == 0 ? Double.NaN : 1.0 / n;
        return new ModelMetrics(id, n, pos * inv, acc * inv, auc(score, label, n), brier * inv, accB * inv,
                auc(base, label, n), brierB * inv, Math.sqrt(cost * inv), Math.sqrt(costB * inv));
    }

    /** ROC AUC by the Mann-Whitney statistic with average ranks for ties; NaN when a class is missing. */
    public static double auc(double[] score, boolean[] label, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(score[x], score[y]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[order[j + 1]] == score[order[i]]) j++;
            double avgRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (label[order[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
