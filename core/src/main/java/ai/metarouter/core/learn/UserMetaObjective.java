package ai.metarouter.core.learn;

import ai.metarouter.core.featurize.StableHash;
import ai.metarouter.core.model.FeedbackContexts;
import ai.metarouter.core.model.MetaBlock;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.Policy;
import ai.metarouter.core.model.PreferenceEncoder;
import ai.metarouter.core.model.UtilityBasis;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One user's meta-objective and its exact gradient: the function every trainer runs per user.
 * <ol>
 *   <li>Draw k (uniform in [0, min(kMax, {@link UserTask#maxContexts})]) and the noise from
 *       {@code SplittableRandom(StableHash.seedFor(seed, iteration, userId))}: the result depends on
 *       (meta-parameters, the user's events, seed, iteration) and nothing else.</li>
 *   <li>Contexts = the first k feedback events, or with probability pairsOnlyProbability the first
 *       k comparisons (with optional noise on q and cs, flipped labels); query set = every event
 *       after the k-th context event.</li>
 *   <li>Encode (z, with optional noise), run the inner loop to theta'.</li>
 *   <li>On the query set, with {@code pi = softmax(theta' . psi / tau)} over each route event's candidates:
 *       <pre>
 *   V  = mean over rewarded route events of min(pi(a0|x) / p0, clip) * (r - b)
 *   H  = mean over route events of entropy(pi)
 *   LL = mean over comparisons of log sigmoid(theta' . v)
 *   L  = -w_ips V - eta H - w_pl LL
 *       </pre>
 *       A clipped importance weight is a constant, so it has no gradient. b is a leave-one-out
 *       baseline (the mean reward of the user's other rewarded query-set route events; 0 when
 *       {@link ObjectiveConfig#ipsBaseline()} is off or there is no other): an addition to the spec.
 *       Why: the IPS value of one user's 16 route events has a standard error several times the
 *       whole personalisation gap, mostly from the reward's level; centring removes the level
 *       without biasing the gradient (since the logging policy covers every candidate,
 *       E[pi/p0] = 1 and b does not depend on the event), and measurably improves PGC. The logged
 *       {@link UserGradient#ipsValue()} is the plain, uncentred IPS estimate.</li>
 *   <li>Reverse mode: dL/dtheta' through the inner loop ({@link InnerLoop#backward}) and the encoder
 *       ({@link PreferenceEncoder#backward}) to every meta-parameter.</li>
 * </ol>
 * Stateless and thread-safe. Query-set reward events that are not route events carry no policy
 * choice to score, so they are only ever used as contexts.
 */
public final class UserMetaObjective {
    private final MetaDimensions dims;
    private final ModelConfig model;
    private final ObjectiveConfig config;
    private final PreferenceEncoder encoder;
    private final InnerLoop innerLoop;
    private final UtilityBasis basis;

    public UserMetaObjective(MetaDimensions dims, UtilityBasis basis, ModelConfig model, ObjectiveConfig config) {
        if (basis.dimension() != dims.basisDim()) {
            throw new IllegalArgumentException("basis dimension " + basis.dimension() + " differs from meta dimension " + dims.basisDim());
        }
        this.dims = dims;
        this.basis = basis;
        this.model = model;
        this.config = config;
        this.encoder = new PreferenceEncoder(dims);
        this.innerLoop = new InnerLoop(model);
    }

    public ObjectiveConfig config() {
        return config;
    }

    public ModelConfig modelConfig() {
        return model;
    }

    /**
     * The random choices for one (user, iteration): the context size and all noise.
     *
     * @param k context-set size
     * @param pairsOnly whether only comparisons serve as contexts (see {@link ObjectiveConfig#pairsOnlyProbability()})
     * @param flips per context, whether a comparison's label is flipped
     * @param contextNoise per context, noise on (q_winner, cs_winner, q_loser, cs_loser); rewards use the first two
     * @param zNoise noise on z (length Z), or null
     */
    public record Draws(int k, boolean pairsOnly, boolean[] flips, double[] contextNoise, double[] zNoise) {
        /** No noise, a fixed k, all feedback as contexts: for evaluation and gradient checks. */
        public static Draws noiseless(int k) {
            return noiseless(k, false);
        }

        /** No noise, a fixed k. */
        public static Draws noiseless(int k, boolean pairsOnly) {
            return new Draws(k, pairsOnly, new boolean[k], new double[4 * k], null);
        }
    }

    /** The draws of {@code task} at (seed, iteration); null when the task has nothing to score. */
    public Draws draw(UserTask task, long seed, int iteration) {
        SplittableRandom rng = new SplittableRandom(StableHash.seedFor(seed, iteration, task.userId()));
        boolean pairsOnly = config.pairsOnlyProbability() > 0 && rng.nextDouble() < config.pairsOnlyProbability();
        int kCap = task.maxContexts(config.kMax(), pairsOnly);
        if (kCap < 0) return null;
        int k = rng.nextInt(kCap + 1);
        boolean[] flips = new boolean[k];
        double[] noise = new double[4 * k];
        for (int i = 0; i < k; i++) {
            flips[i] = config.flipProbability() > 0 && rng.nextDouble() < config.flipProbability();
            if (config.contextNoiseStd() > 0) {
                for (int j = 0; j < 4; j++) noise[4 * i + j] = config.contextNoiseStd() * MetaParameters.nextGaussian(rng);
            }
        }
        double[] zNoise = null;
        if (config.zNoiseStd() > 0) {
            zNoise = new double[dims.latent()];
            for (int m = 0; m < zNoise.length; m++) zNoise[m] = config.zNoiseStd() * MetaParameters.nextGaussian(rng);
        }
        return new Draws(k, pairsOnly, flips, noise, zNoise);
    }

    /** The user's loss and gradient at (seed, iteration); {@link UserGradient#empty()} if nothing is scorable. */
    public UserGradient evaluate(MetaParameters params, UserTask task, long seed, int iteration) {
        Draws draws = draw(task, seed, iteration);
        if (draws == null) return UserGradient.empty();
        return evaluate(params.toArray(), task, draws);
    }

    /** Loss and gradient for explicit draws, parameters as a flat vector. */
    public UserGradient evaluate(double[] p, UserTask task, Draws draws) {
        return compute(p, task, draws, true);
    }

    /** The loss alone (finite-difference checks). */
    public double loss(double[] p, UserTask task, Draws draws) {
        return compute(p, task, draws, false).loss();
    }

    /** The context set of {@code task} under {@code draws} (noise and flips applied). */
    public FeedbackContexts contexts(UserTask task, Draws draws) {
        FeedbackContexts.Builder b = FeedbackContexts.builder(basis, draws.k());
        List<TaskEvent> events = task.events();
        int used = 0;
        double[] nz = draws.contextNoise();
        for (int i = 0; i < events.size() && used < draws.k(); i++) {
            TaskEvent e = events.get(i);
            if (!UserTask.isContext(e, draws.pairsOnly())) continue;
            int o = 4 * used;
            if (e instanceof TaskEvent.Pair pr) {
                double qw = pr.qWin() + nz[o];
                double cw = pr.csWin() + nz[o + 1];
                double ql = pr.qLose() + nz[o + 2];
                double cl = pr.csLose() + nz[o + 3];
                if (draws.flips()[used]) b.addPair(ql, cl, qw, cw);
                else b.addPair(qw, cw, ql, cl);
            } else if (e instanceof TaskEvent.Reward rw) {
                b.addReward(rw.q() + nz[o], rw.cs() + nz[o + 1], rw.reward());
            } else if (e instanceof TaskEvent.Route rt) {
                b.addReward(rt.observedQuality() + nz[o], rt.observedCs() + nz[o + 1], rt.reward());
            }
            used++;
        }
        return b.build();
    }

    private UserGradient compute(double[] p, UserTask task, Draws draws, boolean withGradient) {
        int d = dims.basisDim();
        FeedbackContexts ctx = contexts(task, draws);
        PreferenceEncoder.Encoding enc = encoder.encode(p, ctx, draws.zNoise());
        double[] alpha = new double[d];
        double[] rho = new double[d];
        int oAlpha = dims.offset(MetaBlock.LOG_ALPHA);
        int oRho = dims.offset(MetaBlock.LOG_RHO);
        for (int j = 0; j < d; j++) {
            alpha[j] = Math.exp(p[oAlpha + j]);
            rho[j] = Math.exp(p[oRho + j]);
        }
        int oKappa = dims.offset(MetaBlock.LOG_REWARD_SCALE);
        double kappa = Math.exp(p[oKappa]);
        InnerLoop.Trajectory tr = innerLoop.run(enc.thetaInit(), alpha, rho, kappa, ctx);
        double[] theta = tr.adapted();

        List<TaskEvent> events = task.events();
        int start = task.queryStart(draws.k(), draws.pairsOnly());
        int nRewarded = 0;
        int nRoutes = 0;
        int nPairs = 0;
        for (int i = start; i < events.size(); i++) {
            TaskEvent e = events.get(i);
            if (e instanceof TaskEvent.Route r) {
                nRoutes++;
                if (r.hasReward()) nRewarded++;
            } else if (e instanceof TaskEvent.Pair) {
                nPairs++;
            }
        }
        double rewardSum = 0;
        if (config.ipsBaseline() && nRewarded > 1) {
            for (int i = start; i < events.size(); i++) {
                if (events.get(i) instanceof TaskEvent.Route r && r.hasReward()) rewardSum += r.reward();
            }
        }
        double tau = model.tau();
        double[] dTheta = new double[d];
        double vSum = 0;
        double vCentredSum = 0;
        double hSum = 0;
        double llSum = 0;
        double wV = nRewarded == 0 ? 0 : config.ipsWeight() / nRewarded;
        double wH = nRoutes == 0 ? 0 : config.entropyWeight() / nRoutes;
        double wL = nPairs == 0 ? 0 : config.pairWeight() / nPairs;
        double[] scores = new double[8];
        double[] probs = new double[8];
        double[] mean = new double[d];
        double[] v = new double[d];
        double[] vLose = new double[d];
        for (int i = start; i < events.size(); i++) {
            TaskEvent e = events.get(i);
            if (e instanceof TaskEvent.Route r) {
                int n = r.candidates();
                if (scores.length < n) {
                    scores = new double[n];
                    probs = new double[n];
                }
                double[] psi = r.candidatePsi();
                Policy.scoresFromPsi(theta, psi, n, d, scores);
                Policy.softmax(scores, n, tau, probs);
                double h = Policy.entropy(probs, n);
                hSum += h;
                if (withGradient) {
                    // mean psi under pi, used by both gradients below
                    java.util.Arrays.fill(mean, 0.0);
                    for (int a = 0; a < n; a++) for (int j = 0; j < d; j++) mean[j] += probs[a] * psi[a * d + j];
                    // dH/dtheta = (1/tau) sum_a -pi_a (log pi_a + H) psi_a ; loss has -eta H
                    for (int a = 0; a < n; a++) {
                        if (probs[a] <= 0) continue;
                        double c = -probs[a] * (Math.log(probs[a]) + h) / tau;
                        for (int j = 0; j < d; j++) dTheta[j] -= wH * c * psi[a * d + j];
                    }
                }
                if (r.hasReward()) {
                    // Leave-one-out baseline: independent of this event's reward, so the centred
                    // estimate has the same expected gradient and far less variance.
                    double baseline = config.ipsBaseline() && nRewarded > 1 ? (rewardSum - r.reward()) / (nRewarded - 1) : 0.0;
                    double centred = r.reward() - baseline;
                    double ratio = probs[r.chosen()] / r.propensity();
                    if (ratio < config.ipsClip()) {
                        vSum += ratio * r.reward();
                        vCentredSum += ratio * centred;
                        if (withGradient) {
                            // d pi(a0)/d theta = pi(a0) (psi_a0 - E_pi psi) / tau
                            double c = centred * ratio / tau;
                            int o = r.chosen() * d;
                            for (int j = 0; j < d; j++) dTheta[j] -= wV * c * (psi[o + j] - mean[j]);
                        }
                    } else {
                        vSum += config.ipsClip() * r.reward();
                        vCentredSum += config.ipsClip() * centred;
                    }
                }
            } else if (e instanceof TaskEvent.Pair pr) {
                basis.value(pr.qWin(), pr.csWin(), v, 0);
                basis.value(pr.qLose(), pr.csLose(), vLose, 0);
                double m = 0;
                for (int j = 0; j < d; j++) {
                    v[j] -= vLose[j];
                    m += theta[j] * v[j];
                }
                llSum += -InnerLoop.softplus(-m);
                if (withGradient) {
                    double c = 1.0 - OutcomePredictor.sigmoid(m);
                    for (int j = 0; j < d; j++) dTheta[j] -= wL * c * v[j];
                }
            }
        }
        double meanV = nRewarded == 0 ? 0 : vSum / nRewarded;
        double meanVCentred = nRewarded == 0 ? 0 : vCentredSum / nRewarded;
        double meanH = nRoutes == 0 ? 0 : hSum / nRoutes;
        double meanLL = nPairs == 0 ? 0 : llSum / nPairs;
        double loss = -config.ipsWeight() * meanVCentred - config.entropyWeight() * meanH - config.pairWeight() * meanLL;
        if (!withGradient) return new UserGradient(loss, new double[0], draws.k(), nRewarded, nPairs, meanV, meanH, meanLL);

        double[] grad = new double[p.length];
        double[] dThetaInit = new double[d];
        double[] dAlpha = new double[d];
        double[] dRho = new double[d];
        double dKappa = innerLoop.backward(tr, alpha, rho, kappa, ctx, dTheta, config.firstOrder(), dThetaInit, dAlpha, dRho);
        grad[oKappa] += dKappa * kappa;
        for (int j = 0; j < d; j++) {
            grad[oAlpha + j] += dAlpha[j] * alpha[j];
            grad[oRho + j] += dRho[j] * rho[j];
        }
        encoder.backward(p, ctx, enc, dThetaInit, grad);
        return new UserGradient(loss, grad, draws.k(), nRewarded, nPairs, meanV, meanH, meanLL);
    }
}
