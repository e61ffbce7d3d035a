package ai.metarouter.core.serve.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The metric families of one process, rendered in registration order. Thread-safe. */
public final class MetricsRegistry {
    private final List<Collector> collectors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    public synchronized <T extends Collector> T register(T collector) {
        if (!names.add(collector.name())) throw new IllegalArgumentException("metric registered twice: " + collector.name());
        collectors.add(collector);
        return collector;
    }

    /** Every family in Prometheus text format. */
    public String scrape() {
        List<Collector> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(collectors);
        }
        PrometheusWriter out = new PrometheusWriter();
        for (Collector c : snapshot) c.writeTo(out);
        return out.toString();
    }
}
