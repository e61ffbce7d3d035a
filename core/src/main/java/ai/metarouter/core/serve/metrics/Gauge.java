package ai.metarouter.core.serve.metrics;

import java.util.function.DoubleSupplier;

/**
 * A value read from its source when scraped (so it is never stale and costs nothing in between):
 * a gauge, or a counter that another component already counts (type {@code counter}).
 */
public final class Gauge implements Collector {
    private final String name;
    private final String type;
    private final String help;
    private final DoubleSupplier source;

    public Gauge(String name, String help, DoubleSupplier source) {
        this(name, "gauge", help, source);
    }

    /** @param type {@code gauge} or {@code counter} */
    public Gauge(String name, String type, String help, DoubleSupplier source) {
        if (!type.equals("gauge") && !type.equals("counter")) throw new IllegalArgumentException("type must be gauge or counter");
        this.name = name;
        this.type = type;
        this.help = help;
        this.source = source;
    }

    public double get() {
        return source.getAsDouble();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        out.header(name, type, help);
        out.sample(name, source.getAsDouble());
    }
}
