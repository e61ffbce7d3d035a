package ai.metarouter.core.serve.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): {@code # HELP} and {@code # TYPE}
 * lines, then one sample per line. Label values are escaped as the format requires (backslash,
 * double quote, newline), so a model id can never break the output.
 */
public final class PrometheusWriter {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    public void header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample; {@code labelNames} and {@code labelValues} have the same length. */
    public void sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        out.append(name);
        if (!labelNames.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) out.append(',');
                out.append(labelNames.get(i)).append("=\"");
                escape(labelValues.get(i));
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
    }

    public void sample(String name, double value) {
        sample(name, List.of(), List.of(), value);
    }

    private void escape(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** Integers without a fraction (counters read naturally), infinities as the format spells them. */
    static String format(double v) {
        if (v == Double.POSITIVE_INFINITY) return "+Inf";
        if (v == Double.NEGATIVE_INFINITY) return "-Inf";
        if (Double.isNaN(v)) return "NaN";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
