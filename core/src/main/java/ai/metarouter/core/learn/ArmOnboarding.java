package ai.metarouter.core.learn;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.ArmDescriptor;
import ai.metarouter.core.model.OutcomePredictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adds a model the predictor was not trained with, with the query projection U frozen:
 * <ul>
 *   <li>{@link #prior}: no outcomes yet. The embedding and cost coefficients are a weighted mean
 *       of the existing arms', weights {@code exp(-(ln cost_new - ln cost_b)^2 / 2)}: models of a
 *       similar price are the best guess of how a new model behaves. The cost intercept is shifted
 *       by the log price ratio.</li>
 *   <li>{@link #fromProbes}: a few probe outcomes. The embedding is a regularised logistic
 *       regression on the frozen query representations, pulled towards the prior
 *       ({@code (mu/2)|e - e_prior|^2}), solved by Newton's method (r+1 unknowns); the cost
 *       coefficients are a ridge regression towards the prior's.</li>
 * </ul>
 */
public final class ArmOnboarding {
    private ArmOnboarding() {}

    /** One observed outcome of the new model. */
    public record Probe(QueryFeatures features, double quality, double costUsd) {
        public Probe {
            if (!(quality >= 0 && quality <= 1)) throw new IllegalArgumentException("probe quality must be in [0, 1]");
            if (!(costUsd >= 0) || Double.isInfinite(costUsd)) throw new IllegalArgumentException("probe cost must be finite and >= 0");
        }
    }

    /** The price-weighted prior descriptor for {@code info} (no probes). */
    public static ArmDescriptor prior(OutcomePredictor predictor, ModelInfo info) {
        List<ArmDescriptor> arms = new ArrayList<>();
        for (ArmDescriptor a : predictor.arms()) if (!a.id().equals(info.id())) arms.add(a);
        int w = predictor.rank() + 1;
        if (arms.isEmpty()) {
            double[] e = new double[w];
            return new ArmDescriptor(info, e, Math.log(Math.max(info.meanCostUsd(), CostScale.FLOOR_USD)), 0.0);
        }
        double lnNew = Math.log(referenceCost(info, arms));
        double[] weights = new double[arms.size()];
        double total = 0;
        for (int b = 0; b < arms.size(); b++) {
            double diff = lnNew - Math.log(Math.max(arms.get(b).info().meanCostUsd(), CostScale.FLOOR_USD));
            weights[b] = Math.exp(-0.5 * diff * diff);
            total += weights[b];
        }
        if (!(total > 1e-300)) {
            Arrays.fill(weights, 1.0);
            total = arms.size();
        }
        double[] e = new double[w];
        double k0 = 0;
        double k1 = 0;
        double lnMean = 0;
        for (int b = 0; b < arms.size(); b++) {
            double wb = weights[b] / total;
            double[] eb = arms.get(b).embedding();
            for (int k = 0; k < w; k++) e[k] += wb * eb[k];
            k0 += wb * arms.get(b).costIntercept();
            k1 += wb * arms.get(b).costSlope();
            lnMean += wb * Math.log(Math.max(arms.get(b).info().meanCostUsd(), CostScale.FLOOR_USD));
        }
        return new ArmDescriptor(info, e, k0 + (lnNew - lnMean), k1);
    }

    /**
     * A descriptor fitted to probe outcomes; with no probes this is {@link #prior}.
     *
     * @param priorStrength mu, the pull towards the prior (in units of probes' log-likelihood)
     */
    public static ArmDescriptor fromProbes(OutcomePredictor predictor, ModelInfo info, List<Probe> probes, double priorStrength) {
        ArmDescriptor prior = prior(predictor, info);
        if (probes.isEmpty()) return prior;
        if (!(priorStrength > 0)) throw new IllegalArgumentException("priorStrength must be > 0");
        int w = predictor.rank() + 1;
        int n = probes.size();
        double[][] h = new double[n][];
        for (int i = 0; i < n; i++) h[i] = predictor.queryRepresentation(probes.get(i).features());
        double[] e0 = prior.embedding();
        double[] e = e0.clone();
        double[] g = new double[w];
        double[] hess = new double[w * w];
        for (int iter = 0; iter < 50; iter++) {
            for (int k = 0; k < w; k++) g[k] = priorStrength * (e[k] - e0[k]);
            Arrays.fill(hess, 0.0);
            for (int k = 0; k < w; k++) hess[k * w + k] = priorStrength;
            for (int i = 0; i < n; i++) {
                double m = 0;
                for (int k = 0; k < w; k++) m += h[i][k] * e[k];
                double s = OutcomePredictor.sigmoid(m);
                double res = s - probes.get(i).quality();
                double curv = s * (1 - s);
                for (int k = 0; k < w; k++) {
                    g[k] += res * h[i][k];
                    for (int l = 0; l < w; l++) hess[k * w + l] += curv * h[i][k] * h[i][l];
                }
            }
            double[] step = solveSymmetricPositive(hess, g, w);
            double size = 0;
            for (int k = 0; k < w; k++) {
                e[k] -= step[k];
                size = Math.max(size, Math.abs(step[k]));
            }
            if (size < 1e-12) break;
        }
        // Cost: ridge regression of ln cost on [1, log1p(tokens)] towards the prior's coefficients.
        double a00 = priorStrength;
        double a01 = 0;
        double a11 = priorStrength;
        double b0 = priorStrength * prior.costIntercept();
        double b1 = priorStrength * prior.costSlope();
        for (Probe p : probes) {
            double x = Math.log1p(p.features().tokenCount());
            double y = Math.log(Math.max(p.costUsd(), CostScale.FLOOR_USD));
            a00 += 1;
            a01 += x;
            a11 += x * x;
            b0 += y;
            b1 += x * y;
        }
        double det = a00 * a11 - a01 * a01;
        double k0 = (a11 * b0 - a01 * b1) / det;
        double k1 = (a00 * b1 - a01 * b0) / det;
        return new ArmDescriptor(info, e, k0, k1);
    }

    /** The new model's typical cost per query: its mean cost, else from its prices relative to known arms, else their geometric mean. */
    static double referenceCost(ModelInfo info, List<ArmDescriptor> arms) {
        if (info.meanCostUsd() > 0) return info.meanCostUsd();
        Double price = totalPrice(info);
        if (price != null && price > 0) {
            List<Double> ratios = new ArrayList<>();
            for (ArmDescriptor a : arms) {
                Double pb = totalPrice(a.info());
                if (pb != null && pb > 0 && a.info().meanCostUsd() > 0) ratios.add(a.info().meanCostUsd() / pb);
            }
            if (!ratios.isEmpty()) {
                ratios.sort(null);
                double median = ratios.size() % 2 == 1 ? ratios.get(ratios.size() / 2)
                        : 0.5 * (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2));
                return median * price;
            }
        }
        double lnSum = 0;
        for (ArmDescriptor a : arms) lnSum += Math.log(Math.max(a.info().meanCostUsd(), CostScale.FLOOR_USD));
        return Math.exp(lnSum / arms.size());
    }

    private static Double totalPrice(ModelInfo m) {
        if (m.inputPrice() == null && m.outputPrice() == null) return null;
        return (m.inputPrice() == null ? 0 : m.inputPrice()) + (m.outputPrice() == null ? 0 : m.outputPrice());
    }

    /** Solves A x = b for a small symmetric positive-definite A (Cholesky). */
    static double[] solveSymmetricPositive(double[] a, double[] b, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j) {
                    if (!(s > 0)) throw new IllegalStateException("matrix is not positive definite");
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * y[k];
            y[i] = s / l[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
            x[i] = s / l[i * n + i];
        }
        return x;
    }
}
