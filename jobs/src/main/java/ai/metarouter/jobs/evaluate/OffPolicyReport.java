package ai.metarouter.jobs.evaluate;

import java.util.Map;

/**
 * Off-policy evaluation of the artifact on a logged interaction log, next to the simulator's
 * ground truth.
 *
 * @param events route events scored
 * @param users users they belong to
 * @param skipped route events skipped (unknown query, user or chosen model, missing reward)
 * @param loggingPolicies logging policy names seen
 * @param truth the target policy's true mean reward on the same logged contexts (true profiles and
 *        true outcomes), with its clustered SE over users
 * @param logged the logging policy's observed mean reward
 * @param estimates estimator name ({@code ips}, {@code snips}, {@code dm}, {@code dr}) to estimate
 */
public record OffPolicyReport(long events, long users, long skipped, String loggingPolicies, OffPolicyEstimators.Estimate truth,
                              OffPolicyEstimators.Estimate logged, Map<String, OffPolicyEstimators.Estimate> estimates) {}
