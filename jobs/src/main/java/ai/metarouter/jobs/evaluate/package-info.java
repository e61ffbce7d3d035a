/**
 * The {@code evaluate} job: method.md section 5 as code. Held-out simulated users (ID and every
 * OOD family) get k feedback contexts and are scored on the outcome table's test queries with
 * the true outcomes; every baseline policy, MetaRouter and its ablations run side by side on the
 * same users, queries and contexts; pool-change and pool-size sweeps; off-policy estimates of the
 * artifact's value from logged route events; {@code metrics.json}, {@code report.md} and PNG plots.
 *
 * <p>Layout: the policies ({@link ai.metarouter.jobs.evaluate.PreferenceFit},
 * {@link ai.metarouter.jobs.evaluate.LinearBandit}, {@link ai.metarouter.jobs.evaluate.GreedyRouting}),
 * the per-user evaluation ({@link ai.metarouter.jobs.evaluate.UserEvaluator}), the statistics
 * ({@link ai.metarouter.jobs.evaluate.Aggregation}) and the estimators
 * ({@link ai.metarouter.jobs.evaluate.OffPolicyEstimators}) are pure Java functions of their
 * inputs; Spark only distributes users ({@link ai.metarouter.jobs.evaluate.EvaluationJob}) and
 * reads data. Every random draw is seeded from (seed, stable ids).
 */
package ai.metarouter.jobs.evaluate;
