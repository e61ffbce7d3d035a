package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.learn.InnerLoop;
import ai.metarouter.core.model.FeedbackContexts;
import ai.metarouter.core.model.MetaBlock;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.PreferenceEncoder;
import java.util.List;

/**
 * The routers of one evaluation, rebuilt from their payloads: index 0 is the artifact under
 * evaluation, the others are pool-sweep routers. Also MetaRouter's ablations, built from router 0:
 * <ul>
 *   <li>no encoder: theta_init is the encoder's output for no contexts (the population prior) for
 *       every user; the inner loop then adapts to the contexts as usual;</li>
 *   <li>no inner loop: the encoder's theta_init for the contexts, no gradient steps;</li>
 *   <li>no meta-training: the same architecture and outcome predictor with the seeded initial
 *       meta-parameters ({@link MetaParameters#initial}), adapted per user by the inner loop: the
 *       network "trained per user from scratch" on the k contexts.</li>
 * </ul>
 * Immutable; built once per executor JVM.
 */
public final class Routers {
    private final List<MetaRouterModel> models;
    private final MetaRouterModel noInnerLoop;
    private final MetaRouterModel untrained;
    private final double[] priorInit;
    private final double[] alpha;
    private final double[] rho;
    private final double rewardScale;
    private final InnerLoop innerLoop;

    public Routers(List<ModelPayload> payloads, EvalSettings settings) {
        this.models = payloads.stream().map(ModelPayload::toModel).toList();
        MetaRouterModel main = models.get(0);
        ModelConfig c = main.config();
        this.noInnerLoop = new MetaRouterModel(main.featureSpec(), main.predictor(), main.costScale(), main.basis(),
                main.metaParameters(), c.withInnerSteps(0));
        this.untrained = main.withMetaParameters(MetaParameters.initial(main.metaParameters().dims(), settings.untrainedSeed(),
                settings.untrainedBetaInit()));
        MetaParameters p = main.metaParameters();
        this.priorInit = new PreferenceEncoder(p.dims()).encode(p.toArray(), FeedbackContexts.empty(main.basis().dimension()), null)
                .thetaInit();
        this.alpha = exp(p.block(MetaBlock.LOG_ALPHA));
        this.rho = exp(p.block(MetaBlock.LOG_RHO));
        this.rewardScale = Math.exp(p.block(MetaBlock.LOG_REWARD_SCALE)[0]);
        this.innerLoop = new InnerLoop(c);
    }

    public MetaRouterModel model(int i) {
        return models.get(i);
    }

    public int size() {
        return models.size();
    }

    /** theta of a MetaRouter ablation (or of the full router, {@link Policy#METAROUTER}) after these contexts. */
    public double[] theta(Policy policy, List<Feedback.Pairwise> contexts) {
        MetaRouterModel main = models.get(0);
        return switch (policy) {
            case METAROUTER -> main.adapt(contexts).theta();
            case METAROUTER_NO_INNER_LOOP -> noInnerLoop.adapt(contexts).theta();
            case METAROUTER_NO_META_TRAINING -> untrained.adapt(contexts).theta();
            case METAROUTER_NO_ENCODER -> innerLoop.adapt(priorInit, alpha, rho, rewardScale,
                    FeedbackContexts.of(contexts, main.basis(), main.costScale()));
            default -> throw new IllegalArgumentException(policy + " is not a MetaRouter variant");
        };
    }

    private static double[] exp(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.exp(v[i]);
        return out;
    }
}
