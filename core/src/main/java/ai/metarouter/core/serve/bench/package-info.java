/**
 * Measuring the serving tier: {@link ai.metarouter.core.serve.bench.SyntheticArtifacts} publishes a
 * real artifact trained on the synthetic benchmark (so a benchmark or test serves what {@code train}
 * would produce, without Spark); {@link ai.metarouter.core.serve.bench.LoadGenerator} is a closed-loop
 * HTTP/1.1 keep-alive load generator over raw loopback sockets (light enough to share two cores with
 * the server and still saturate it), bounded in time and requests; {@link
 * ai.metarouter.core.serve.bench.ServeBenchmark} is {@code scripts/bench-serve}.
 */
package ai.metarouter.core.serve.bench;
