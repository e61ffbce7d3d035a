package ai.metarouter.core.model;

import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.bandit.Exploration;
import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.learn.InnerLoop;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The router that serving and evaluation call: featuriser, outcome predictor (the arms), cost
 * scale, utility basis, meta-parameters and the fixed adaptation/policy settings. Immutable and
 * thread-safe.
 * <ul>
 *   <li>{@link #adapt}: feedback contexts -> encoder -> inner loop -> {@link UserState} (theta', k);</li>
 *   <li>{@link #scores}: per candidate, the user's estimated utility {@code theta' . psi(q^, cs(c^))};</li>
 *   <li>{@link #route}: featurise, score, explore; returns the choice and its propensity.</li>
 * </ul>
 * Candidates are any subset of the predictor's arms, in any order; an unknown id is an error.
 */
public final class MetaRouterModel {
    private final FeatureSpec featureSpec;
    private final HashedNgramFeaturizer featurizer;
    private final OutcomePredictor predictor;
    private final CostScale costScale;
    private final UtilityBasis basis;
    private final MetaParameters params;
    private final ModelConfig config;
    private final double[] flat;
    private final double[] alpha;
    private final double[] rho;
    private final double rewardScale;
    private final PreferenceEncoder encoder;
    private final InnerLoop innerLoop;
    private final UserState prior;

    public MetaRouterModel(FeatureSpec featureSpec, OutcomePredictor predictor, CostScale costScale, UtilityBasis basis,
                           MetaParameters params, ModelConfig config) {
        if (predictor.featureDim() != featureSpec.dim()) {
            throw new IllegalArgumentException("outcome predictor expects " + predictor.featureDim() + " features, feature spec gives " + featureSpec.dim());
        }
        if (basis.dimension() != params.dims().basisDim()) {
            throw new IllegalArgumentException("utility basis has dimension " + basis.dimension() + ", meta-parameters expect " + params.dims().basisDim());
        }
        this.featureSpec = featureSpec;
        this.featurizer = new HashedNgramFeaturizer(featureSpec);
        this.predictor = predictor;
        this.costScale = costScale;
        this.basis = basis;
        this.params = params;
        this.config = config;
        this.flat = params.toArray();
        int d = basis.dimension();
        this.alpha = params.block(MetaBlock.LOG_ALPHA);
        this.rho = params.block(MetaBlock.LOG_RHO);
        for (int j = 0; j < d; j++) {
            alpha[j] = Math.exp(alpha[j]);
            rho[j] = Math.exp(rho[j]);
        }
        this.rewardScale = Math.exp(params.block(MetaBlock.LOG_REWARD_SCALE)[0]);
        this.encoder = new PreferenceEncoder(params.dims());
        this.innerLoop = new InnerLoop(config);
        this.prior = adapt(FeedbackContexts.empty(d));
    }

    /** The user state with no feedback: the population prior theta0 + A b2. */
    public UserState prior() {
        return prior;
    }

    /** Adapts to a user's feedback (in arrival order; the result does not depend on the order beyond rounding). */
    public UserState adapt(List<? extends Feedback> contexts) {
        return adapt(FeedbackContexts.of(contexts, basis, costScale));
    }

    public UserState adapt(FeedbackContexts ctx) {
        double[] thetaInit = encoder.encode(flat, ctx, null).thetaInit();
        return new UserState(innerLoop.adapt(thetaInit, alpha, rho, rewardScale, ctx), ctx.size());
    }

    /**
     * The Laplace posterior of a user's theta after this feedback: mean = {@link #adapt}'s theta',
     * covariance = the inverse Hessian of the inner loop's loss at theta' (prior precision rho plus
     * the comparisons' and rewards' curvature).
     */
    public PreferencePosterior posterior(List<? extends Feedback> contexts) {
        return posterior(FeedbackContexts.of(contexts, basis, costScale));
    }

    public PreferencePosterior posterior(FeedbackContexts ctx) {
        return posterior(adapt(ctx), ctx);
    }

    /**
     * The posterior around a state this model already adapted to exactly these contexts (serving
     * keeps it per user), without adapting again.
     */
    public PreferencePosterior posterior(UserState adapted, FeedbackContexts ctx) {
        double[] theta = adapted.theta();
        int d = theta.length;
        double[] precision = new double[d * d];
        innerLoop.hessian(theta, rho, ctx, precision);
        return PreferencePosterior.fromPrecision(theta, precision);
    }

    /**
     * The softmax temperature, in score units, of the policy meta-training optimised for this
     * user: {@code tau |theta'|} with normalised policy scores, else {@code tau}. Serving that wants
     * to explore like the training policy uses {@code new Softmax(policyTemperature(u), pMin)}.
     */
    public double policyTemperature(UserState u) {
        if (!config.normalizePolicyScores()) return config.tau();
        double sq = 0;
        for (int j = 0; j < basis.dimension(); j++) sq += u.theta(j) * u.theta(j);
        return config.tau() * Math.sqrt(sq);
    }

    /** The latent preference z of a user's feedback (diagnostics: does z separate users?). */
    public double[] latent(List<? extends Feedback> contexts) {
        return encoder.encode(flat, FeedbackContexts.of(contexts, basis, costScale), null).z();
    }

    public QueryFeatures featurize(String query) {
        return featurizer.featurize(query);
    }

    /** Estimated utility of each candidate for this user. */
    public double[] scores(QueryFeatures x, List<String> candidates, UserState u) {
        int[] arms = predictor.resolve(candidates);
        double[] out = new double[arms.length];
        scores(x, arms, u, out);
        return out;
    }

    /** Scores of candidate arm indices (see {@link OutcomePredictor#resolve}) into {@code out}. */
    public void scores(QueryFeatures x, int[] arms, UserState u, double[] out) {
        int n = arms.length;
        double[] q = new double[n];
        double[] c = new double[n];
        predictor.predict(x, arms, q, c);
        double[] theta = u.theta();
        for (int i = 0; i < n; i++) out[i] = basis.utility(theta, 0, q[i], costScale.scale(c[i]));
    }

    /** Routes a query: featurise, score the candidates for this user, explore with a seed. */
    public Decision route(String query, List<String> candidates, UserState u, Exploration ex, long seed) {
        return route(featurizer.featurize(query), candidates, u, ex, seed);
    }

    public Decision route(QueryFeatures x, List<String> candidates, UserState u, Exploration ex, long seed) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no candidates to route to");
        return ex.decide(scores(x, candidates, u), seed);
    }

    public FeatureSpec featureSpec() {
        return featureSpec;
    }

    public HashedNgramFeaturizer featurizer() {
        return featurizer;
    }

    public OutcomePredictor predictor() {
        return predictor;
    }

    public CostScale costScale() {
        return costScale;
    }

    public UtilityBasis basis() {
        return basis;
    }

    public MetaParameters metaParameters() {
        return params;
    }

    public ModelConfig config() {
        return config;
    }

    public MetaRouterModel withMetaParameters(MetaParameters next) {
        return new MetaRouterModel(featureSpec, predictor, costScale, basis, next, config);
    }

    /** The same model over another arm set (onboarding or retiring models). */
    public MetaRouterModel withPredictor(OutcomePredictor next) {
        return new MetaRouterModel(featureSpec, next, costScale, basis, params, config);
    }

    /** All weights as named blocks: the predictor's {@code outcome.*} then the meta-parameters' {@code meta.*}. */
    public Map<String, NamedTensor> toBlocks() {
        Map<String, NamedTensor> m = new LinkedHashMap<>(predictor.toBlocks());
        m.putAll(params.toBlocks());
        return m;
    }

    /**
     * The non-weight description the manifest must carry to rebuild this model with
     * {@link #fromBlocks}: feature spec, utility basis, model config, cost scale, arm ids in block
     * row order, and dimensions. (The catalog entries themselves travel as the model catalog.)
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feature_spec", featureSpec.toMap());
        m.put("utility_basis", basis.toMap());
        m.put("model_config", config.toMap());
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("ln_lo", costScale.lnLo());
        cs.put("ln_hi", costScale.lnHi());
        m.put("cost_scale", cs);
        m.put("arms", predictor.armIds());
        Map<String, Object> dims = new LinkedHashMap<>();
        dims.put("basis_dim", params.dims().basisDim());
        dims.put("hidden", params.dims().hidden());
        dims.put("latent", params.dims().latent());
        dims.put("outcome_rank", predictor.rank());
        m.put("dimensions", dims);
        return m;
    }

    /** Rebuilds a model from its blocks; {@code arms} are the catalog entries in block row order. */
    public static MetaRouterModel fromBlocks(Map<String, NamedTensor> blocks, FeatureSpec featureSpec, List<ModelInfo> arms,
                                             CostScale costScale, UtilityBasis basis, ModelConfig config) {
        return new MetaRouterModel(featureSpec, OutcomePredictor.fromBlocks(blocks, arms), costScale, basis,
                MetaParameters.fromBlocks(blocks), config);
    }
}
