package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import java.util.List;

/**
 * The per-user baseline without meta-learning: the maximum-likelihood cost aversion lambda of a
 * Bradley-Terry model {@code P(w beats l) = sigmoid(beta (dq - lambda dcs))} (the ID family's form,
 * U = q - lambda cs) on the user's own k comparisons, plugged into the outcome predictor.
 *
 * <p>Why a grid and a weak prior: with one or two comparisons the likelihood is flat or maximised
 * at the edge (the data are separable, beta runs to infinity and any lambda in an interval fits),
 * so a plain MLE is undefined at the small k that matter most. The fit maximises the profile
 * likelihood over beta on a bounded log grid ([0.5, 200]) and lambda on a log grid ([1e-3, 100]),
 * plus a weak log-normal prior on lambda centred on 1 (one unit of quality per unit of the pool's
 * normalised cost range; log-sd 2, i.e. a factor ~7 either way at one sd). The prior is generic,
 * not the population's: the baseline must not borrow what meta-learning learns. At k = 0 it gives
 * lambda = 1. Deterministic; grid ties go to the smaller lambda.
 */
public final class PreferenceFit {
    private static final double[] LAMBDAS = logGrid(1e-3, 100.0, 101);
    private static final double[] BETAS = logGrid(0.5, 200.0, 19);
    public static final double PRIOR_LOG_SD = 2.0;

    private PreferenceFit() {}

    /** The fitted lambda of a user's comparisons. */
    public static double fitLambda(List<Feedback.Pairwise> contexts, CostScale scale) {
        int n = contexts.size();
        double[] dq = new double[n];
        double[] dc = new double[n];
        for (int i = 0; i < n; i++) {
            Feedback.Pairwise p = contexts.get(i);
            dq[i] = p.winner().quality() - p.loser().quality();
            dc[i] = scale.scale(p.winner().costUsd()) - scale.scale(p.loser().costUsd());
        }
        return fitLambda(dq, dc, n);
    }

    /** The fitted lambda from winner-minus-loser quality and normalised-cost differences. */
    public static double fitLambda(double[] dq, double[] dc, int n) {
        double bestObjective = Double.NEGATIVE_INFINITY;
        double bestLambda = 1.0;
        for (double lambda : LAMBDAS) {
            double best = Double.NEGATIVE_INFINITY;
            for (double beta : BETAS) {
                double ll = 0;
                for (int i = 0; i < n; i++) ll -= softplus(-beta * (dq[i] - lambda * dc[i]));
                best = Math.max(best, ll);
            }
            double z = Math.log(lambda) / PRIOR_LOG_SD;
            double objective = best - 0.5 * z * z;
            if (objective > bestObjective) {
                bestObjective = objective;
                bestLambda = lambda;
            }
        }
        return bestLambda;
    }

    /**
     * The posterior mean of lambda given the comparisons, under a log-uniform prior on
     * [{@code lambdaMin}, {@code lambdaMax}] and a log-normal beta (median, log-sd), by quadrature
     * (96 lambda points, 9 beta quantiles). With no comparisons it is the prior mean.
     */
    public static double posteriorMeanLambda(double[] dq, double[] dc, int n, double lambdaMin, double lambdaMax, double betaMedian,
                                             double betaLogSd) {
        double[] lambdas = logGrid(lambdaMin, lambdaMax, 96);
        double[] betas = new double[9];
        // Probit-spaced quantiles of the log-normal beta (equal weights).
        double[] z = {-1.593, -0.967, -0.589, -0.282, 0.0, 0.282, 0.589, 0.967, 1.593};
        for (int j = 0; j < betas.length; j++) betas[j] = betaMedian * Math.exp(betaLogSd * z[j]);
        double[] logw = new double[lambdas.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < lambdas.length; l++) {
            double[] perBeta = new double[betas.length];
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < betas.length; j++) {
                double ll = 0;
                for (int i = 0; i < n; i++) ll -= softplus(-betas[j] * (dq[i] - lambdas[l] * dc[i]));
                perBeta[j] = ll;
                m = Math.max(m, ll);
            }
            double s = 0;
            for (double v : perBeta) s += Math.exp(v - m);
            logw[l] = m + Math.log(s);
            max = Math.max(max, logw[l]);
        }
        double num = 0;
        double den = 0;
        for (int l = 0; l < lambdas.length; l++) {
            double w = Math.exp(logw[l] - max);
            num += w * lambdas[l];
            den += w;
        }
        return num / den;
    }

    /** Winner-minus-loser quality and normalised-cost differences of comparisons: {dq, dc}. */
    public static double[][] differences(List<Feedback.Pairwise> contexts, CostScale scale) {
        int n = contexts.size();
        double[] dq = new double[n];
        double[] dc = new double[n];
        for (int i = 0; i < n; i++) {
            Feedback.Pairwise p = contexts.get(i);
            dq[i] = p.winner().quality() - p.loser().quality();
            dc[i] = scale.scale(p.winner().costUsd()) - scale.scale(p.loser().costUsd());
        }
        return new double[][] {dq, dc};
    }

    /** theta in the utility basis for U = q - lambda cs (basis index 0 is q, 1 is cs). */
    public static double[] theta(double lambda, int basisDim) {
        double[] t = new double[basisDim];
        t[0] = 1.0;
        t[1] = -lambda;
        return t;
    }

    private static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    private static double[] logGrid(double lo, double hi, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * i / (n - 1));
        return g;
    }
}
