package ai.metarouter.core.serve.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One histogram series: fixed upper bounds, a count per bucket, the sum and the count. Observing is
 * a binary search and two adds; buckets are cumulated only when scraped.
 */
public final class Histogram {
    /** Latency buckets in seconds, 100 us to 2.5 s: fine where the serving target (p99 10 ms) is. */
    public static final double[] LATENCY_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5
    };

    private final double[] upperBounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    public Histogram(double[] upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i] > upperBounds[i - 1])) throw new IllegalArgumentException("bucket bounds must increase");
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    public void observe(double value) {
        int lo = 0;
        int hi = upperBounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (value <= upperBounds[mid]) hi = mid;
            else lo = mid + 1;
        }
        counts[lo].increment();
        sum.add(value);
    }

    public long count() {
        long n = 0;
        for (LongAdder c : counts) n += c.sum();
        return n;
    }

    void writeSamples(PrometheusWriter out, String name, List<String> labelNames, List<String> labelValues) {
        List<String> names = new ArrayList<>(labelNames);
        names.add("le");
        long cumulative = 0;
        for (int i = 0; i <= upperBounds.length; i++) {
            cumulative += counts[i].sum();
            List<String> values = new ArrayList<>(labelValues);
            values.add(i < upperBounds.length ? PrometheusWriter.format(upperBounds[i]) : "+Inf");
            out.sample(name + "_bucket", names, values, cumulative);
        }
        out.sample(name + "_sum", labelNames, labelValues, sum.sum());
        out.sample(name + "_count", labelNames, labelValues, cumulative);
    }
}
