package ai.metarouter.core.serve.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void rendersPrometheusTextWithEscapedLabelsAndCumulativeBuckets() {
        MetricsRegistry registry = new MetricsRegistry();
        LabeledCounter requests = registry.register(new LabeledCounter("t_requests_total", "Requests.", List.of("endpoint", "code"), 10));
        LabeledHistogram latency = registry.register(new LabeledHistogram("t_seconds", "Latency.", List.of("endpoint"),
                new double[] {0.001, 0.01}, 10));
        registry.register(new Gauge("t_version", "Version.", () -> 3));
        requests.inc("route", "200");
        requests.inc("route", "200");
        requests.inc("we\"ird\\\n", "400");
        latency.series("route").observe(0.0005);
        latency.series("route").observe(0.005);
        latency.series("route").observe(0.5);
        String text = registry.scrape();
        assertTrue(text.contains("# TYPE t_requests_total counter\n"), text);
        assertTrue(text.contains("t_requests_total{endpoint=\"route\",code=\"200\"} 2\n"), text);
        assertTrue(text.contains("t_requests_total{endpoint=\"we\\\"ird\\\\\\n\",code=\"400\"} 1\n"), text);
        assertTrue(text.contains("t_seconds_bucket{endpoint=\"route\",le=\"0.001\"} 1\n"), text);
        assertTrue(text.contains("t_seconds_bucket{endpoint=\"route\",le=\"0.01\"} 2\n"), text);
        assertTrue(text.contains("t_seconds_bucket{endpoint=\"route\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("t_seconds_count{endpoint=\"route\"} 3\n"), text);
        assertTrue(text.contains("t_seconds_sum{endpoint=\"route\"} 0.5055\n"), text);
        assertTrue(text.contains("# TYPE t_version gauge\nt_version 3\n"), text);
    }

    @Test
    void labelSetsBeyondTheCapGoToOneOverflowSeries() {
        LabeledCounter c = new LabeledCounter("t_total", "T.", List.of("model"), 3);
        for (int i = 0; i < 10; i++) c.inc("m" + i);
        PrometheusWriter out = new PrometheusWriter();
        c.writeTo(out);
        String text = out.toString();
        assertEquals(4, text.lines().filter(l -> l.startsWith("t_total{")).count(), text);
        assertTrue(text.contains("t_total{model=\"_other\"} 7\n"), text);
    }
}
