package ai.metarouter.core.learn;

import ai.metarouter.core.model.MetaParameters;

/**
 * The driver's step of one outer iteration, shared verbatim by the Spark trainer and the
 * reference trainer: mean gradient of the accumulated users, then one Adam step (clipping
 * included). An iteration in which no user contributed leaves parameters and state unchanged.
 */
public final class OuterStep {
    private OuterStep() {}

    /**
     * @param params the new meta-parameters
     * @param state the new Adam state
     * @param gradNorm norm of the mean gradient before clipping
     * @param meanLoss weighted mean loss of the iteration's users
     */
    public record Result(MetaParameters params, AdamState state, double gradNorm, double meanLoss) {}

    public static Result apply(MetaParameters params, AdamState state, GradientAccumulator acc, AdamConfig cfg) {
        if (acc.weight() <= 0) return new Result(params, state, 0.0, 0.0);
        Adam.Step step = Adam.step(params.toArray(), acc.meanGradient(), state, cfg);
        return new Result(MetaParameters.of(params.dims(), step.params()), step.state(), step.gradNorm(), acc.meanLoss());
    }
}
