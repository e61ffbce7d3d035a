package ai.metarouter.core.serve.metrics;

import java.util.List;
import java.util.Map;

/** A histogram family with labels, e.g. request latency by endpoint. */
public final class LabeledHistogram implements Collector {
    private final String name;
    private final String help;
    private final SeriesMap<Histogram> series;

    public LabeledHistogram(String name, String help, List<String> labelNames, double[] upperBounds, int maxSeries) {
        this.name = name;
        this.help = help;
        double[] bounds = upperBounds.clone();
        this.series = new SeriesMap<>(labelNames, maxSeries, () -> new Histogram(bounds));
    }

    /** The series of these label values (callers on a hot path may keep it). */
    public Histogram series(String... labelValues) {
        return series.get(List.of(labelValues));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        out.header(name, "histogram", help);
        for (Map.Entry<List<String>, Histogram> e : series.sorted()) {
            e.getValue().writeSamples(out, name, series.labelNames(), e.getKey());
        }
    }
}
