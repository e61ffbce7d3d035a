/**
 * The {@code simulate} job: simulated users over an outcome dataset, written as an interaction log
 * (Parquet partitioned by {@code dt=}) plus {@code users.parquet} with every user's true profile.
 * Users are distributed with {@code spark.range}; each partition runs the core
 * {@link ai.metarouter.core.sim.UserSimulator} over the broadcast outcome table, so the driver never
 * holds users or events and the output is the same for any partition count.
 */
package ai.metarouter.jobs.simulate;
