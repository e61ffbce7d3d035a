package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.model.FeedbackContexts;
import ai.metarouter.core.model.MetaBlock;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.PreferenceEncoder;
import ai.metarouter.core.model.UtilityBasis;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Central finite-difference checks of every analytic gradient of the learning math: the context
 * loss and its Hessian-vector product, the inner loop's reverse mode, the encoder's backward pass,
 * each term of the meta-objective alone, and the full meta-gradient with noise. Several seeds; the
 * relative error ||g - g_fd|| / max(||g||, ||g_fd||) is printed and must stay below 1e-6.
 */
class MetaGradientTest {
    private static final double H = 1e-5;
    private static final double TOLERANCE = 1e-6;
    private static final UtilityBasis BASIS = UtilityBasis.defaults();
    private static final int D = BASIS.dimension();
    private static final MetaDimensions DIMS = new MetaDimensions(D, 5, 3);

    private static void report(String what, long seed, double err) {
        System.out.printf(Locale.ROOT, "gradcheck %-62s seed=%d relErr=%.3e%n", what, seed, err);
        assertTrue(err < TOLERANCE, what + " seed " + seed + ": relative error " + err);
    }

    private static FeedbackContexts randomContexts(SplittableRandom rng, int pairs, int rewards) {
        FeedbackContexts.Builder b = FeedbackContexts.builder(BASIS, pairs + rewards);
        for (int i = 0; i < pairs; i++) {
            double[] w = Fixtures.outcome(rng);
            double[] l = Fixtures.outcome(rng);
            b.addPair(w[0], w[1], l[0], l[1]);
        }
        for (int i = 0; i < rewards; i++) {
            double[] o = Fixtures.outcome(rng);
            b.addReward(o[0], o[1], o[0] - rng.nextDouble() * o[1]);
        }
        return b.build();
    }

    private static double[] gaussianVector(SplittableRandom rng, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * MetaParameters.nextGaussian(rng);
        return v;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void contextLossGradientAndHessian(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        FeedbackContexts ctx = randomContexts(rng, 5, 3);
        InnerLoop loop = new InnerLoop(3, 0.7, true);
        double[] theta = gaussianVector(rng, D, 1.0);
        double[] init = gaussianVector(rng, D, 1.0);
        double[] rho = new double[D];
        for (int j = 0; j < D; j++) rho[j] = Math.exp(0.3 * MetaParameters.nextGaussian(rng));
        double kappa = 3.0 * rng.nextDouble() + 0.5;
        double[] g = new double[D];
        loop.contextLoss(theta, init, rho, kappa, ctx, g);
        double[] fd = GradientCheck.numeric(t -> loop.contextLoss(t, init, rho, kappa, ctx, null), theta, H);
        report("context loss dL_c/dtheta", seed, GradientCheck.relativeError(g, fd));

        double[] u = gaussianVector(rng, D, 1.0);
        double[] hv = new double[D];
        loop.hessianVectorProduct(theta, rho, ctx, u, hv);
        double[] fdHv = GradientCheck.numeric(t -> {
            double[] gt = new double[D];
            loop.gradient(t, init, rho, kappa, ctx, gt);
            double s = 0;
            for (int j = 0; j < D; j++) s += gt[j] * u[j];
            return s;
        }, theta, H);
        report("context loss Hessian-vector product", seed, GradientCheck.relativeError(hv, fdHv));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void innerLoopReverseMode(long seed) {
        for (int steps : new int[] {1, 5}) {
            for (boolean normalize : new boolean[] {true, false}) {
                SplittableRandom rng = new SplittableRandom(seed * 31 + steps);
                FeedbackContexts ctx = randomContexts(rng, 4, 2);
                InnerLoop loop = new InnerLoop(steps, 0.5, normalize);
                // x = [theta_init ; alpha ; rho ; kappa]; small alpha keeps the unnormalised loop stable
                double[] x = new double[3 * D + 1];
                x[3 * D] = 0.5 + 3 * rng.nextDouble();
                for (int j = 0; j < D; j++) {
                    x[j] = MetaParameters.nextGaussian(rng);
                    x[D + j] = (normalize ? 0.5 : 0.05) * Math.exp(0.3 * MetaParameters.nextGaussian(rng));
                    x[2 * D + j] = Math.exp(0.3 * MetaParameters.nextGaussian(rng));
                }
                double[] lambda = gaussianVector(rng, D, 1.0);
                java.util.function.ToDoubleFunction<double[]> f = y -> {
                    double[] init = java.util.Arrays.copyOfRange(y, 0, D);
                    double[] alpha = java.util.Arrays.copyOfRange(y, D, 2 * D);
                    double[] rho = java.util.Arrays.copyOfRange(y, 2 * D, 3 * D);
                    double[] th = loop.run(init, alpha, rho, y[3 * D], ctx).adapted();
                    double s = 0;
                    for (int j = 0; j < D; j++) s += lambda[j] * th[j];
                    return s;
                };
                double[] init = java.util.Arrays.copyOfRange(x, 0, D);
                double[] alpha = java.util.Arrays.copyOfRange(x, D, 2 * D);
                double[] rho = java.util.Arrays.copyOfRange(x, 2 * D, 3 * D);
                InnerLoop.Trajectory tr = loop.run(init, alpha, rho, x[3 * D], ctx);
                double[] analytic = new double[3 * D + 1];
                double[] dInit = new double[D];
                double[] dAlpha = new double[D];
                double[] dRho = new double[D];
                analytic[3 * D] = loop.backward(tr, alpha, rho, x[3 * D], ctx, lambda, false, dInit, dAlpha, dRho);
                System.arraycopy(dInit, 0, analytic, 0, D);
                System.arraycopy(dAlpha, 0, analytic, D, D);
                System.arraycopy(dRho, 0, analytic, 2 * D, D);
                double[] fd = GradientCheck.numeric(f, x, H * 0.1);
                String what = "inner loop K=" + steps + (normalize ? " normalised" : " plain");
                report(what + " d/dtheta_init", seed, GradientCheck.relativeError(analytic, fd, 0, D));
                report(what + " d/dalpha", seed, GradientCheck.relativeError(analytic, fd, D, 2 * D));
                report(what + " d/drho", seed, GradientCheck.relativeError(analytic, fd, 2 * D, 3 * D));
                report(what + " d/dkappa", seed, GradientCheck.relativeError(analytic, fd, 3 * D, 3 * D + 1));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void encoderBackward(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        PreferenceEncoder enc = new PreferenceEncoder(DIMS);
        double[] p = Fixtures.randomParameters(MetaParameters.initial(DIMS, seed, 1.0), rng, 0.3);
        FeedbackContexts ctx = randomContexts(rng, 3 + rng.nextInt(3), 1 + rng.nextInt(3));
        double[] zNoise = gaussianVector(rng, DIMS.latent(), 0.1);
        double[] c = gaussianVector(rng, D, 1.0);
        java.util.function.ToDoubleFunction<double[]> f = q -> {
            double[] t = enc.encode(q, ctx, zNoise).thetaInit();
            double s = 0;
            for (int j = 0; j < D; j++) s += c[j] * t[j];
            return s;
        };
        double[] grad = new double[p.length];
        enc.backward(p, ctx, enc.encode(p, ctx, zNoise), c, grad);
        double[] fd = GradientCheck.numeric(f, p, H);
        report("encoder d(c.theta_init)/dp", seed, GradientCheck.relativeError(grad, fd));
        for (MetaBlock b : new MetaBlock[] {MetaBlock.W1, MetaBlock.W1R, MetaBlock.W2, MetaBlock.A}) {
            int o = DIMS.offset(b);
            assertTrue(GradientCheck.norm(grad, o, o + DIMS.blockSize(b)) > 0, b + " gradient is identically zero");
        }
        // No contexts: only theta0, A and b2 matter, and W1 / W1r get exactly nothing.
        double[] g0 = new double[p.length];
        FeedbackContexts none = FeedbackContexts.empty(D);
        enc.backward(p, none, enc.encode(p, none, null), c, g0);
        int o = DIMS.offset(MetaBlock.W1);
        assertEquals(0.0, GradientCheck.norm(g0, o, o + DIMS.blockSize(MetaBlock.W1)));
    }

    private static void checkObjective(String what, long seed, ObjectiveConfig cfg, boolean sampledDraws) {
        checkObjective(what + ", scale-free pi and LL", seed, cfg.withScaleFreePairs(true), sampledDraws, true);
        checkObjective(what + ", plain pi and LL", seed, cfg.withScaleFreePairs(false), sampledDraws, false);
    }

    private static void checkObjective(String what, long seed, ObjectiveConfig cfg, boolean sampledDraws, boolean normalisedPolicy) {
        SplittableRandom rng = new SplittableRandom(seed);
        ModelConfig model = new ModelConfig(4, 0.8, 0.7, true, normalisedPolicy);
        UserMetaObjective obj = new UserMetaObjective(DIMS, BASIS, model, cfg);
        UserTask task = Fixtures.randomTask("user-" + seed, 24, BASIS, rng);
        double[] p = Fixtures.randomParameters(MetaParameters.initial(DIMS, seed, 1.5), rng, 0.2);
        UserMetaObjective.Draws draws = sampledDraws ? obj.draw(task, seed, 3)
                : UserMetaObjective.Draws.noiseless(Math.min(6, task.maxContexts(16)));
        UserGradient g = obj.evaluate(p, task, draws);
        double[] fd = GradientCheck.numeric(q -> obj.loss(q, task, draws), p, H);
        double err = GradientCheck.relativeError(g.gradient(), fd);
        report(what + " (k=" + draws.k() + ")", seed, err);
        assertTrue(GradientCheck.norm(g.gradient(), 0, p.length) > 0, "gradient is identically zero");
        // Every meta-parameter block is reached when there are contexts of both kinds.
        if (cfg.scaleFreePairs() && cfg.pairWeight() > 0 && g.pairEvents() > 0) {
            assertTrue(g.gradient()[DIMS.offset(MetaBlock.LOG_PAIR_SHARPNESS)] != 0, "the pair sharpness gets no gradient");
        }
        for (MetaBlock b : new MetaBlock[] {MetaBlock.THETA0, MetaBlock.LOG_ALPHA, MetaBlock.LOG_RHO}) {
            int o = DIMS.offset(b);
            if (draws.k() > 0) assertTrue(GradientCheck.norm(g.gradient(), o, o + DIMS.blockSize(b)) > 0, b + " gets no gradient");
        }
        if (obj.contexts(task, draws).rewardCount() > 0) {
            assertTrue(g.gradient()[DIMS.offset(MetaBlock.LOG_REWARD_SCALE)] != 0, "the reward scale gets no gradient");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void ipsTermAlone(long seed) {
        checkObjective("meta-gradient, IPS value term only", seed, new ObjectiveConfig(1, 0, 0, 20, true, 16, 0, 0, 0, 0, true, false), false);
    }

    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43})
    void entropyTermAlone(long seed) {
        checkObjective("meta-gradient, entropy term only", seed, new ObjectiveConfig(0, 1, 0, 20, true, 16, 0, 0, 0, 0, true, false), false);
    }

    @ParameterizedTest
    @ValueSource(longs = {51, 52, 53})
    void pairLikelihoodTermAlone(long seed) {
        checkObjective("meta-gradient, pair log-likelihood only", seed, new ObjectiveConfig(0, 0, 1, 20, true, 16, 0, 0, 0, 0, true, false), false);
    }

    @ParameterizedTest
    @ValueSource(longs = {61, 62, 63, 64, 65})
    void fullMetaGradientWithNoise(long seed) {
        ObjectiveConfig cfg = new ObjectiveConfig(1.0, 0.05, 0.7, 20, true, 12, 0.05, 0.1, 0.2, 0.5, true, false);
        checkObjective("full meta-gradient, sampled k and noise", seed, cfg, true);
    }

    @ParameterizedTest
    @ValueSource(longs = {71, 72})
    void fullMetaGradientUnnormalisedInnerStep(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ModelConfig model = new ModelConfig(3, 0.5, 1.0, false, true);
        UserMetaObjective obj = new UserMetaObjective(DIMS, BASIS, model, ObjectiveConfig.defaults());
        UserTask task = Fixtures.randomTask("u" + seed, 16, BASIS, rng);
        double[] p = Fixtures.randomParameters(MetaParameters.initial(DIMS, seed, 1.0), rng, 0.1);
        int o = DIMS.offset(MetaBlock.LOG_ALPHA);
        for (int j = 0; j < D; j++) p[o + j] = Math.log(0.03);
        UserMetaObjective.Draws draws = UserMetaObjective.Draws.noiseless(Math.min(5, task.maxContexts(16)));
        double[] fd = GradientCheck.numeric(q -> obj.loss(q, task, draws), p, H);
        report("full meta-gradient, plain Meta-SGD step", seed, GradientCheck.relativeError(obj.evaluate(p, task, draws).gradient(), fd));
    }

    /**
     * Newton MAP inner loop: the implicit meta-gradient (exact at the converged theta*) against
     * central differences of the loss, whose every evaluation re-solves the MAP.
     */
    @ParameterizedTest
    @ValueSource(longs = {81, 82, 83, 84, 85})
    void fullMetaGradientNewtonMap(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ModelConfig model = new ModelConfig(30, 0.8, 0.7, true, true, ModelConfig.InnerSolver.NEWTON_MAP);
        ObjectiveConfig cfg = new ObjectiveConfig(1.0, 0.05, 0.7, 20, true, 12, 0.05, 0.1, 0.2, 0.5, true, false);
        UserMetaObjective obj = new UserMetaObjective(DIMS, BASIS, model, cfg);
        UserTask task = Fixtures.randomTask("newton-" + seed, 24, BASIS, rng);
        double[] p = Fixtures.randomParameters(MetaParameters.initial(DIMS, seed, 1.5), rng, 0.2);
        UserMetaObjective.Draws draws = obj.draw(task, seed, 2);
        UserGradient g = obj.evaluate(p, task, draws);
        double[] fd = GradientCheck.numeric(q -> obj.loss(q, task, draws), p, H);
        report("full meta-gradient, Newton MAP inner loop (implicit) (k=" + draws.k() + ")", seed,
                GradientCheck.relativeError(g.gradient(), fd));
        if (draws.k() > 0) {
            for (MetaBlock b : new MetaBlock[] {MetaBlock.THETA0, MetaBlock.LOG_RHO}) {
                int o = DIMS.offset(b);
                assertTrue(GradientCheck.norm(g.gradient(), o, o + DIMS.blockSize(b)) > 0, b + " gets no gradient");
            }
        }
        // The step sizes do not enter the MAP.
        int o = DIMS.offset(MetaBlock.LOG_ALPHA);
        assertEquals(0.0, GradientCheck.norm(g.gradient(), o, o + DIMS.blockSize(MetaBlock.LOG_ALPHA)));
    }

    /** theta* is the minimiser: its gradient vanishes and no nearby point has a lower context loss. */
    @ParameterizedTest
    @ValueSource(longs = {91, 92, 93})
    void newtonMapIsTheMinimiser(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        InnerLoop loop = new InnerLoop(30, 0.8, true, ModelConfig.InnerSolver.NEWTON_MAP);
        UserTask task = Fixtures.randomTask("min-" + seed, 24, BASIS, rng);
        UserMetaObjective obj = new UserMetaObjective(DIMS, BASIS, new ModelConfig(30, 0.8, 0.7, true, true,
                ModelConfig.InnerSolver.NEWTON_MAP), ObjectiveConfig.defaults());
        FeedbackContexts ctx = obj.contexts(task, UserMetaObjective.Draws.noiseless(Math.min(8, task.maxContexts(16))));
        double[] init = new double[D];
        double[] rho = new double[D];
        for (int j = 0; j < D; j++) {
            init[j] = rng.nextGaussian() * 2;
            rho[j] = Math.exp(rng.nextGaussian() - 1);
        }
        double[] alpha = new double[D];
        double[] theta = loop.adapt(init, alpha, rho, 1.3, ctx);
        double[] g = new double[D];
        double at = loop.contextLoss(theta, init, rho, 1.3, ctx, g);
        for (double x : g) assertTrue(Math.abs(x) <= 1e-9, "gradient at theta* " + java.util.Arrays.toString(g));
        for (int trial = 0; trial < 50; trial++) {
            double[] near = theta.clone();
            for (int j = 0; j < D; j++) near[j] += 1e-3 * rng.nextGaussian();
            assertTrue(loop.contextLoss(near, init, rho, 1.3, ctx, null) >= at, "a nearby point is lower");
        }
        assertArrayEquals(loop.run(init, alpha, rho, 1.3, ctx).adapted(), theta);
    }
}
