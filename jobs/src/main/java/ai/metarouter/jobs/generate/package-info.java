/**
 * The {@code generate-benchmark} job: the embedded synthetic outcome dataset (core
 * {@link ai.metarouter.core.sim.SyntheticBenchmark}) written in the same directory form as an
 * imported benchmark, so every later job reads either without knowing which it got.
 */
package ai.metarouter.jobs.generate;
