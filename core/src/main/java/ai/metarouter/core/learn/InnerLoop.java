package ai.metarouter.core.learn;

import ai.metarouter.core.model.FeedbackContexts;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.OutcomePredictor;

/**
 * Per-user adaptation on the context loss (two solvers, {@link ModelConfig.InnerSolver}): K Meta-SGD
 * steps, or the exact minimiser (the MAP of the user's feedback under the prior N(theta_init, diag(rho)^-1)).
 * The Meta-SGD form:
 * <pre>
 *   L_c(theta) = sum_pairs -log sigmoid(theta . v_i)
 *              + (w_r / 2) sum_rewards (theta . psi_i - kappa r_i)^2
 *              + (1/2) sum_j rho_j (theta_j - theta_init_j)^2
 *   theta_0 = theta_init,   theta_{t+1} = theta_t - s alpha (.) grad L_c(theta_t)
 * </pre>
 * with meta-learned alpha = exp(logAlpha), rho = exp(logRho) and kappa = exp(logRewardScale).
 *
 * <p>The reward scale kappa (an addition to the spec): theta lives in the units of the
 * comparisons' logits (a Bradley-Terry user with sharpness beta and utility w has theta = beta w),
 * while a reward is in utility units. Regressing theta . psi on r itself would pull theta towards
 * scale 1 while the comparisons pull it towards scale beta, so the two kinds of feedback fought
 * and a router meta-trained on mixed logs adapted badly from comparisons alone. With kappa learned
 * (initialised at the prior's scale) both kinds of evidence agree on what theta means.
 *
 * <p>Step normalisation (a change from plain Meta-SGD, on by default, {@link ModelConfig#normalizeInnerStep}):
 * s = 1 / L with {@code L = 1 + sum_pairs |v_i|^2 / 4 + w_r sum_rewards |psi_i|^2}, an upper bound
 * of the data terms' curvature (plus 1 for the prior). Why: the context loss is a sum, so its
 * curvature grows with the number of contexts k; a single learned alpha that suits k = 1 makes the
 * iteration diverge at k = 32, and one that is stable at k = 32 barely moves at k = 1. Dividing by
 * L makes one alpha fit every k. L depends only on the contexts, not on any meta-parameter, so the
 * exact meta-gradient just carries the constant s. With s = 1 this is the spec's Meta-SGD.
 *
 * <p>{@link #backward} is the exact reverse-mode derivative through all K steps, using
 * Hessian-vector products of L_c ({@code H u = sum s_i(1-s_i)(v_i.u) v_i + w_r sum (psi_i.u) psi_i + rho (.) u}).
 *
 * <p>Newton MAP (why: K small gradient steps from the prior stop wherever the step sizes leave
 * them, so how much a user's six comparisons move theta depended on learned step sizes rather than
 * on the evidence; the posterior mode weighs evidence against the prior exactly, for any k).
 * L_c is strictly convex (rho > 0), so Newton's method with backtracking converges to the unique
 * theta* with grad L_c(theta*) = 0, quadratically; it stops at |grad|_inf <= {@value #NEWTON_TOLERANCE}
 * or after {@code innerSteps} iterations. The meta-gradient is the implicit one: with mu = H*^-1 dL/dtheta*,
 * {@code dL/dtheta_init = rho (.) mu}, {@code dL/drho_j = -mu_j (theta*_j - theta_init_j)},
 * {@code dL/dkappa = w_r mu . sum_i r_i psi_i}; the step sizes alpha do not enter.
 */
public final class InnerLoop {
    /** Newton stops when every gradient coordinate of L_c is at most this. */
    public static final double NEWTON_TOLERANCE = 1e-11;

    private final int steps;
    private final double rewardWeight;
    private final boolean normalizeStep;
    private final ModelConfig.InnerSolver solver;

    public InnerLoop(ModelConfig config) {
        this(config.innerSteps(), config.rewardWeight(), config.normalizeInnerStep(), config.innerSolver());
    }

    public InnerLoop(int steps, double rewardWeight, boolean normalizeStep) {
        this(steps, rewardWeight, normalizeStep, ModelConfig.InnerSolver.GRADIENT_STEPS);
    }

    public InnerLoop(int steps, double rewardWeight, boolean normalizeStep, ModelConfig.InnerSolver solver) {
        this.steps = steps;
        this.rewardWeight = rewardWeight;
        this.normalizeStep = normalizeStep;
        this.solver = solver;
    }

    public int steps() {
        return steps;
    }

    /**
     * The forward pass kept for the backward pass.
     *
     * @param thetas theta_0 .. theta_K, (K + 1) x d row-major
     * @param thetaInit the starting point (theta_0)
     * @param stepScale s (1 / L or 1)
     */
    public record Trajectory(double[] thetas, double[] thetaInit, double stepScale, int steps, int dim) {
        /** theta_K, a copy. */
        public double[] adapted() {
            double[] out = new double[dim];
            System.arraycopy(thetas, steps * dim, out, 0, dim);
            return out;
        }
    }

    /** The curvature bound L of a context set (see the class comment). */
    public double curvatureBound(FeedbackContexts ctx) {
        int d = ctx.basisDim();
        double l = 1.0;
        double[] v = ctx.pairDiffsView();
        for (double x : v) l += 0.25 * x * x;
        double[] psi = ctx.rewardPsiView();
        for (double x : psi) l += rewardWeight * x * x;
        return d == 0 ? 1.0 : l;
    }

    /** The step scale s used for this context set. */
    public double stepScale(FeedbackContexts ctx) {
        return normalizeStep ? 1.0 / curvatureBound(ctx) : 1.0;
    }

    /** Runs the K steps from theta_init and keeps every iterate (Newton MAP: theta_init and theta*). */
    public Trajectory run(double[] thetaInit, double[] alpha, double[] rho, double rewardScale, FeedbackContexts ctx) {
        int d = thetaInit.length;
        if (solver == ModelConfig.InnerSolver.NEWTON_MAP && steps > 0) {
            double[] thetas = new double[2 * d];
            System.arraycopy(thetaInit, 0, thetas, 0, d);
            System.arraycopy(newtonMap(thetaInit, rho, rewardScale, ctx), 0, thetas, d, d);
            return new Trajectory(thetas, thetaInit.clone(), 1.0, 1, d);
        }
        double s = stepScale(ctx);
        double[] thetas = new double[(steps + 1) * d];
        System.arraycopy(thetaInit, 0, thetas, 0, d);
        double[] theta = thetaInit.clone();
        double[] g = new double[d];
        for (int t = 0; t < steps; t++) {
            gradient(theta, thetaInit, rho, rewardScale, ctx, g);
            for (int j = 0; j < d; j++) theta[j] -= s * alpha[j] * g[j];
            System.arraycopy(theta, 0, thetas, (t + 1) * d, d);
        }
        return new Trajectory(thetas, thetaInit.clone(), s, steps, d);
    }

    /** theta_K only (serving's adapt). */
    public double[] adapt(double[] thetaInit, double[] alpha, double[] rho, double rewardScale, FeedbackContexts ctx) {
        int d = thetaInit.length;
        if (solver == ModelConfig.InnerSolver.NEWTON_MAP && steps > 0) return newtonMap(thetaInit, rho, rewardScale, ctx);
        double s = stepScale(ctx);
        double[] theta = thetaInit.clone();
        double[] g = new double[d];
        for (int t = 0; t < steps; t++) {
            gradient(theta, thetaInit, rho, rewardScale, ctx, g);
            for (int j = 0; j < d; j++) theta[j] -= s * alpha[j] * g[j];
        }
        return theta;
    }

    /**
     * argmin L_c by Newton's method with Armijo backtracking, from theta_init, at most
     * {@code steps} iterations. With no contexts theta_init is the minimiser and is returned as is.
     */
    double[] newtonMap(double[] thetaInit, double[] rho, double rewardScale, FeedbackContexts ctx) {
        int d = thetaInit.length;
        double[] theta = thetaInit.clone();
        if (ctx.size() == 0) return theta;
        double[] g = new double[d];
        double[] h = new double[d * d];
        double[] delta = new double[d];
        double[] trial = new double[d];
        double loss = contextLoss(theta, thetaInit, rho, rewardScale, ctx, g);
        for (int it = 0; it < steps; it++) {
            if (maxAbs(g) <= NEWTON_TOLERANCE) break;
            hessian(theta, rho, ctx, h);
            System.arraycopy(g, 0, delta, 0, d);
            choleskySolve(h, delta, d);
            double slope = 0;
            for (int j = 0; j < d; j++) slope += g[j] * delta[j];
            double step = 1.0;
            double trialLoss;
            while (true) {
                for (int j = 0; j < d; j++) trial[j] = theta[j] - step * delta[j];
                trialLoss = contextLoss(trial, thetaInit, rho, rewardScale, ctx, null);
                // Armijo; near the optimum rounding makes decreases invisible, so accept the full step there.
                if (trialLoss <= loss - 1e-4 * step * slope || step < 1e-8 || slope < 1e-24) break;
                step *= 0.5;
            }
            System.arraycopy(trial, 0, theta, 0, d);
            loss = trialLoss;
            gradient(theta, thetaInit, rho, rewardScale, ctx, g);
        }
        return theta;
    }

    /** The full Hessian of L_c at theta (d x d, row-major) into {@code out}. */
    public void hessian(double[] theta, double[] rho, FeedbackContexts ctx, double[] out) {
        int d = theta.length;
        java.util.Arrays.fill(out, 0, d * d, 0.0);
        for (int j = 0; j < d; j++) out[j * d + j] = rho[j];
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < ctx.pairCount(); i++) {
            int o = i * d;
            double sg = OutcomePredictor.sigmoid(dot(theta, v, o, d));
            addOuter(out, v, o, sg * (1.0 - sg), d);
        }
        double[] psi = ctx.rewardPsiView();
        for (int i = 0; i < ctx.rewardCount(); i++) addOuter(out, psi, i * d, rewardWeight, d);
    }

    private static void addOuter(double[] m, double[] x, int off, double w, int d) {
        for (int a = 0; a < d; a++) {
            double xa = w * x[off + a];
            if (xa == 0) continue;
            for (int b = 0; b < d; b++) m[a * d + b] += xa * x[off + b];
        }
    }

    /** Solves {@code m x = b} in place of b for a symmetric positive definite m (destroys m). */
    public static void choleskySolve(double[] m, double[] b, int d) {
        choleskyFactor(m, d);
        choleskySubstitute(m, b, d);
    }

    /** Replaces the lower triangle of the symmetric positive definite m by its Cholesky factor L (m = L L^T). */
    public static void choleskyFactor(double[] m, int d) {
        for (int j = 0; j < d; j++) {
            double s = m[j * d + j];
            for (int k = 0; k < j; k++) s -= m[j * d + k] * m[j * d + k];
            if (!(s > 0)) throw new IllegalStateException("inner-loop Hessian is not positive definite (pivot " + s + ")");
            double l = Math.sqrt(s);
            m[j * d + j] = l;
            for (int i = j + 1; i < d; i++) {
                double t = m[i * d + j];
                for (int k = 0; k < j; k++) t -= m[i * d + k] * m[j * d + k];
                m[i * d + j] = t / l;
            }
        }
    }

    /** Solves {@code L L^T x = b} in place of b, L the factor {@link #choleskyFactor} left in m's lower triangle. */
    public static void choleskySubstitute(double[] m, double[] b, int d) {
        for (int i = 0; i < d; i++) {
            double t = b[i];
            for (int k = 0; k < i; k++) t -= m[i * d + k] * b[k];
            b[i] = t / m[i * d + i];
        }
        for (int i = d - 1; i >= 0; i--) {
            double t = b[i];
            for (int k = i + 1; k < d; k++) t -= m[k * d + i] * b[k];
            b[i] = t / m[i * d + i];
        }
    }

    private static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** L_c(theta); writes grad L_c into {@code gradOut} when it is not null. */
    public double contextLoss(double[] theta, double[] thetaInit, double[] rho, double rewardScale, FeedbackContexts ctx,
                              double[] gradOut) {
        int d = theta.length;
        double loss = 0;
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < ctx.pairCount(); i++) {
            double m = dot(theta, v, i * d, d);
            loss += softplus(-m);
        }
        double[] psi = ctx.rewardPsiView();
        double[] r = ctx.rewardValuesView();
        for (int i = 0; i < ctx.rewardCount(); i++) {
            double e = dot(theta, psi, i * d, d) - rewardScale * r[i];
            loss += 0.5 * rewardWeight * e * e;
        }
        for (int j = 0; j < d; j++) {
            double diff = theta[j] - thetaInit[j];
            loss += 0.5 * rho[j] * diff * diff;
        }
        if (gradOut != null) gradient(theta, thetaInit, rho, rewardScale, ctx, gradOut);
        return loss;
    }

    /** grad L_c(theta) into {@code g}. */
    public void gradient(double[] theta, double[] thetaInit, double[] rho, double rewardScale, FeedbackContexts ctx, double[] g) {
        int d = theta.length;
        for (int j = 0; j < d; j++) g[j] = rho[j] * (theta[j] - thetaInit[j]);
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < ctx.pairCount(); i++) {
            int o = i * d;
            double c = -(1.0 - OutcomePredictor.sigmoid(dot(theta, v, o, d)));
            for (int j = 0; j < d; j++) g[j] += c * v[o + j];
        }
        double[] psi = ctx.rewardPsiView();
        double[] r = ctx.rewardValuesView();
        for (int i = 0; i < ctx.rewardCount(); i++) {
            int o = i * d;
            double c = rewardWeight * (dot(theta, psi, o, d) - rewardScale * r[i]);
            for (int j = 0; j < d; j++) g[j] += c * psi[o + j];
        }
    }

    /** {@code out = H(theta) u}, H the Hessian of L_c (data terms plus diag(rho)). */
    public void hessianVectorProduct(double[] theta, double[] rho, FeedbackContexts ctx, double[] u, double[] out) {
        int d = theta.length;
        for (int j = 0; j < d; j++) out[j] = rho[j] * u[j];
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < ctx.pairCount(); i++) {
            int o = i * d;
            double sg = OutcomePredictor.sigmoid(dot(theta, v, o, d));
            double c = sg * (1.0 - sg) * dot(u, v, o, d);
            for (int j = 0; j < d; j++) out[j] += c * v[o + j];
        }
        double[] psi = ctx.rewardPsiView();
        for (int i = 0; i < ctx.rewardCount(); i++) {
            int o = i * d;
            double c = rewardWeight * dot(u, psi, o, d);
            for (int j = 0; j < d; j++) out[j] += c * psi[o + j];
        }
    }

    /**
     * Reverse mode through the K steps. Given {@code lambdaK} = dL/d theta_K, adds dL/d theta_init,
     * dL/d alpha and dL/d rho into the three output arrays and returns dL/d kappa.
     *
     * @param firstOrder if true, drop the second-order term (lambda_t = lambda_{t+1}; the first-order
     *                   MAML approximation); the direct partials in alpha, rho, kappa and theta_init are kept
     */
    public double backward(Trajectory tr, double[] alpha, double[] rho, double rewardScale, FeedbackContexts ctx,
                           double[] lambdaK, boolean firstOrder, double[] dThetaInit, double[] dAlpha, double[] dRho) {
        if (solver == ModelConfig.InnerSolver.NEWTON_MAP && tr.steps() > 0 && steps > 0) {
            return implicitBackward(tr, rho, ctx, lambdaK, dThetaInit, dRho);
        }
        int d = tr.dim();
        double s = tr.stepScale();
        double[] thetaInit = tr.thetaInit();
        double[] lambda = lambdaK.clone();
        double[] theta = new double[d];
        double[] g = new double[d];
        double[] scaled = new double[d];
        double[] hv = new double[d];
        // d grad L_c / d kappa = -w_r sum_i r_i psi_i, the same at every step
        double[] dGradDKappa = new double[d];
        double[] psi = ctx.rewardPsiView();
        double[] r = ctx.rewardValuesView();
        for (int i = 0; i < ctx.rewardCount(); i++) {
            for (int j = 0; j < d; j++) dGradDKappa[j] -= rewardWeight * r[i] * psi[i * d + j];
        }
        double dKappa = 0;
        for (int t = tr.steps() - 1; t >= 0; t--) {
            System.arraycopy(tr.thetas(), t * d, theta, 0, d);
            gradient(theta, thetaInit, rho, rewardScale, ctx, g);
            for (int j = 0; j < d; j++) {
                double step = s * alpha[j];
                double diff = theta[j] - thetaInit[j];
                dAlpha[j] -= lambda[j] * s * g[j];
                dRho[j] -= lambda[j] * step * diff;
                dThetaInit[j] += lambda[j] * step * rho[j];
                dKappa -= lambda[j] * step * dGradDKappa[j];
                scaled[j] = step * lambda[j];
            }
            if (!firstOrder) {
                hessianVectorProduct(theta, rho, ctx, scaled, hv);
                for (int j = 0; j < d; j++) lambda[j] -= hv[j];
            }
        }
        for (int j = 0; j < d; j++) dThetaInit[j] += lambda[j];
        return dKappa;
    }

    /** The implicit derivative at theta* (see the class comment); returns dL/dkappa. */
    private double implicitBackward(Trajectory tr, double[] rho, FeedbackContexts ctx, double[] lambda,
                                    double[] dThetaInit, double[] dRho) {
        int d = tr.dim();
        double[] theta = tr.adapted();
        double[] thetaInit = tr.thetaInit();
        double[] h = new double[d * d];
        hessian(theta, rho, ctx, h);
        double[] mu = lambda.clone();
        choleskySolve(h, mu, d);
        for (int j = 0; j < d; j++) {
            dThetaInit[j] += rho[j] * mu[j];
            dRho[j] -= mu[j] * (theta[j] - thetaInit[j]);
        }
        double dKappa = 0;
        double[] psi = ctx.rewardPsiView();
        double[] r = ctx.rewardValuesView();
        for (int i = 0; i < ctx.rewardCount(); i++) {
            dKappa += rewardWeight * r[i] * dot(mu, psi, i * d, d);
        }
        return dKappa;
    }

    static double dot(double[] a, double[] b, int off, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) s += a[j] * b[off + j];
        return s;
    }

    /** log(1 + e^x) without overflow. */
    public static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}
