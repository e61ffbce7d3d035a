package ai.metarouter.core.learn;

/**
 * One outer iteration as the trainers log it.
 *
 * @param iteration 0-based iteration number
 * @param users users that contributed
 * @param skippedUsers sampled users with nothing to score
 * @param events query-set events scored
 * @param meanLoss mean meta-loss of the contributing users (before the step)
 * @param meanIpsValue mean IPS estimate of the adapted policies' utility
 * @param meanPairLogLikelihood mean query-set comparison log-likelihood
 * @param meanEntropy mean policy entropy
 * @param meanContexts mean context-set size k
 * @param gradNorm norm of the mean gradient before clipping
 */
public record IterationLog(int iteration, long users, long skippedUsers, long events, double meanLoss, double meanIpsValue,
                           double meanPairLogLikelihood, double meanEntropy, double meanContexts, double gradNorm) {

    /** The log line of an iteration, from its accumulator and step. */
    public static IterationLog of(int iteration, GradientAccumulator acc, OuterStep.Result step) {
        return new IterationLog(iteration, acc.users(), acc.skippedUsers(), acc.events(), acc.meanLoss(), acc.meanIpsValue(),
                acc.meanPairLogLikelihood(), acc.meanEntropy(), acc.meanContexts(), step.gradNorm());
    }
}
