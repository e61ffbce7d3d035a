package ai.metarouter.core.serve.metrics;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A monotonic counter without labels. */
public final class Counter implements Collector {
    private final String name;
    private final String help;
    private final LongAdder value = new LongAdder();

    public Counter(String name, String help) {
        this.name = name;
        this.help = help;
    }

    public void inc() {
        value.increment();
    }

    public void add(long n) {
        if (n < 0) throw new IllegalArgumentException("a counter only goes up");
        value.add(n);
    }

    public long get() {
        return value.sum();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        out.header(name, "counter", help);
        out.sample(name, List.of(), List.of(), value.sum());
    }
}
