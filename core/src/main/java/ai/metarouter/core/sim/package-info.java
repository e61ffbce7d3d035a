/**
 * Simulation, in plain Java so that unit tests of every module, the Spark {@code simulate} job and
 * evaluation all draw from the same generators: a synthetic outcome benchmark
 * ({@link ai.metarouter.core.sim.SyntheticBenchmark}), a distribution of users' true utility
 * profiles ({@link ai.metarouter.core.sim.ProfileDistribution}) and a per-user generator of
 * interaction events ({@link ai.metarouter.core.sim.UserSimulator}).
 *
 * <p>Every random draw is seeded from the run seed and stable ids ({@link ai.metarouter.core.sim.Seeds}),
 * never from draw order across users, so a user's events do not depend on how users are spread
 * over partitions or threads.
 */
package ai.metarouter.core.sim;
