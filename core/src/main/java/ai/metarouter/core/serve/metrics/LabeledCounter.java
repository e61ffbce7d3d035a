package ai.metarouter.core.serve.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** A counter family with labels, e.g. requests by endpoint and status code. */
public final class LabeledCounter implements Collector {
    private final String name;
    private final String help;
    private final SeriesMap<LongAdder> series;

    public LabeledCounter(String name, String help, List<String> labelNames, int maxSeries) {
        this.name = name;
        this.help = help;
        this.series = new SeriesMap<>(labelNames, maxSeries, LongAdder::new);
    }

    public void inc(String... labelValues) {
        series.get(List.of(labelValues)).increment();
    }

    public long get(String... labelValues) {
        return series.get(List.of(labelValues)).sum();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        out.header(name, "counter", help);
        for (Map.Entry<List<String>, LongAdder> e : series.sorted()) {
            out.sample(name, series.labelNames(), e.getKey(), e.getValue().sum());
        }
    }
}
