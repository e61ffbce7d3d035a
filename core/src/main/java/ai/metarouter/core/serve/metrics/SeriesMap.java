package ai.metarouter.core.serve.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The series of one labelled family, keyed by label values, with a cap on their number: past
 * {@code maxSeries} distinct label sets every new one is counted under one overflow series whose
 * label values are all {@value #OVERFLOW}. Callers validate label values (endpoints are a fixed
 * set, models come from the catalog), so the cap is a guard, not a code path that matters.
 */
final class SeriesMap<T> {
    static final String OVERFLOW = "_other";

    private final List<String> labelNames;
    private final int maxSeries;
    private final Supplier<T> factory;
    private final Map<List<String>, T> series = new ConcurrentHashMap<>();
    private final List<String> overflowKey;

    SeriesMap(List<String> labelNames, int maxSeries, Supplier<T> factory) {
        if (maxSeries < 1) throw new IllegalArgumentException("maxSeries must be >= 1");
        this.labelNames = List.copyOf(labelNames);
        this.maxSeries = maxSeries;
        this.factory = factory;
        this.overflowKey = labelNames.stream().map(n -> OVERFLOW).toList();
    }

    List<String> labelNames() {
        return labelNames;
    }

    T get(List<String> labelValues) {
        if (labelValues.size() != labelNames.size()) {
            throw new IllegalArgumentException("expected labels " + labelNames + ", got values " + labelValues);
        }
        T existing = series.get(labelValues);
        if (existing != null) return existing;
        List<String> key = series.size() >= maxSeries ? overflowKey : List.copyOf(labelValues);
        return series.computeIfAbsent(key, k -> factory.get());
    }

    /** A snapshot of the series in label order, so scrapes are stable and diffable. */
    List<Map.Entry<List<String>, T>> sorted() {
        return series.entrySet().stream()
                .sorted((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())))
                .toList();
    }
}
