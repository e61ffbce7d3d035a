package ai.metarouter.core.serve.metrics;

import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The serving tier's metrics, in one place so their names are spelled once:
 * <ul>
 *   <li>{@code metarouter_http_requests_total{endpoint,code}} and
 *       {@code metarouter_http_request_duration_seconds{endpoint}} (histogram);</li>
 *   <li>{@code metarouter_route_chosen_total{model}}, {@code metarouter_feedback_total{kind}};</li>
 *   <li>{@code metarouter_artifact_reloads_total}, {@code metarouter_artifact_reload_failures_total},
 *       {@code metarouter_user_readaptations_total};</li>
 *   <li>gauges registered by the components that own the value (artifact version, users in memory,
 *       refused version, event-log queue depth, ...), read at scrape time.</li>
 * </ul>
 */
public final class ServeMetrics {
    /** Label sets per family are small (endpoints x codes, catalog models); the cap is a guard. */
    private static final int MAX_SERIES = 512;

    private final MetricsRegistry registry = new MetricsRegistry();
    private final LabeledCounter requests = registry.register(new LabeledCounter("metarouter_http_requests_total",
            "HTTP requests by endpoint and status code.", List.of("endpoint", "code"), MAX_SERIES));
    private final LabeledHistogram latency = registry.register(new LabeledHistogram("metarouter_http_request_duration_seconds",
            "HTTP request latency from handler entry to response decided (writing it excluded), by endpoint.", List.of("endpoint"),
            Histogram.LATENCY_SECONDS, MAX_SERIES));
    private final LabeledCounter chosen = registry.register(new LabeledCounter("metarouter_route_chosen_total",
            "Route decisions by chosen model.", List.of("model"), MAX_SERIES));
    private final LabeledCounter feedback = registry.register(new LabeledCounter("metarouter_feedback_total",
            "Feedback events accepted, by kind (pairwise or reward).", List.of("kind"), 8));
    private final Counter reloads = registry.register(new Counter("metarouter_artifact_reloads_total",
            "Artifact versions verified and swapped in after startup."));
    private final Counter reloadFailures = registry.register(new Counter("metarouter_artifact_reload_failures_total",
            "Reload attempts that failed (unreadable LATEST, or a version refused as corrupt or incompatible)."));
    private final Counter readaptations = registry.register(new Counter("metarouter_user_readaptations_total",
            "User states re-adapted from stored feedback because they were adapted by another artifact version."));

    public MetricsRegistry registry() {
        return registry;
    }

    public void request(String endpoint, int code, long nanos) {
        requests.inc(endpoint, Integer.toString(code));
        latency.series(endpoint).observe(nanos / 1e9);
    }

    public long requests(String endpoint, int code) {
        return requests.get(endpoint, Integer.toString(code));
    }

    public void chosen(String model) {
        chosen.inc(model);
    }

    public void feedback(String kind) {
        feedback.inc(kind);
    }

    public void reloaded() {
        reloads.inc();
    }

    public void reloadFailed() {
        reloadFailures.inc();
    }

    public long reloadFailures() {
        return reloadFailures.get();
    }

    public void readapted() {
        readaptations.inc();
    }

    public long readaptations() {
        return readaptations.get();
    }

    /** Registers a gauge whose value is read from {@code source} at scrape time. */
    public void gauge(String name, String help, DoubleSupplier source) {
        registry.register(new Gauge(name, help, source));
    }

    /** Registers a counter kept by another component, read from {@code source} at scrape time. */
    public void counterFrom(String name, String help, DoubleSupplier source) {
        registry.register(new Gauge(name, "counter", help, source));
    }

    public String scrape() {
        return registry.scrape();
    }
}
