package ai.metarouter.core.serve.bench;

/**
 * Latencies in fixed memory with bounded relative error: 1 us resolution below 10 ms, 100 us up to
 * 1 s, 10 ms up to 60 s, and one overflow bucket. One per load-generator thread (not thread-safe),
 * merged at the end.
 */
final class LatencyHistogram {
    private static final int FINE = 10_000;
    /** 10 ms to 1 s in 100 us steps. */
    private static final int MEDIUM = 9_900;
    /** 1 s to 60 s in 10 ms steps. */
    private static final int COARSE = 5_900;
    private final long[] counts = new long[FINE + MEDIUM + COARSE + 1];
    private long total;
    private long maxMicros;

    void record(long nanos) {
        long us = Math.max(0, nanos / 1000);
        maxMicros = Math.max(maxMicros, us);
        counts[index(us)]++;
        total++;
    }

    private static int index(long us) {
        if (us < FINE) return (int) us;
        if (us < 1_000_000) return FINE + (int) ((us - FINE) / 100);
        if (us < 60_000_000) return FINE + MEDIUM + (int) ((us - 1_000_000) / 10_000);
        return FINE + MEDIUM + COARSE;
    }

    /** Upper bound (us) of bucket {@code i}. */
    private static long upperMicros(int i) {
        if (i < FINE) return i + 1;
        if (i < FINE + MEDIUM) return FINE + (long) (i - FINE + 1) * 100;
        if (i < FINE + MEDIUM + COARSE) return 1_000_000 + (long) (i - FINE - MEDIUM + 1) * 10_000;
        return Long.MAX_VALUE;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
        total += other.total;
        maxMicros = Math.max(maxMicros, other.maxMicros);
    }

    long count() {
        return total;
    }

    /** The latency (ms) at or below which a fraction {@code q} of the recorded requests finished. */
    double quantileMillis(double q) {
        if (total == 0) return Double.NaN;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.min(upperMicros(i), maxMicros) / 1000.0;
        }
        return maxMicros / 1000.0;
    }

    double maxMillis() {
        return maxMicros / 1000.0;
    }
}
