package ai.metarouter.core.serve.metrics;

/** A metric family that can write itself in Prometheus text format. */
public interface Collector {
    /** The family name, e.g. {@code metarouter_http_requests_total}. */
    String name();

    void writeTo(PrometheusWriter out);
}
