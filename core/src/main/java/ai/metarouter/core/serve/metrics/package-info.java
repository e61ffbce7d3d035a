/**
 * A small, allocation-light metrics library and its Prometheus text rendering (exposition format
 * 0.0.4), so the Spark-free serving tier needs no metrics dependency. Counters and histograms are
 * {@link java.util.concurrent.atomic.LongAdder}-based (no lock on the request path); every labelled
 * family has a cap on its number of series, so a caller cannot grow memory without bound.
 * {@link ai.metarouter.core.serve.metrics.ServeMetrics} is the serving tier's set of metrics.
 */
package ai.metarouter.core.serve.metrics;
