package ai.metarouter.core.sim;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Stable seeds derived from a run seed and ids. {@link String#hashCode()} would do on one JVM, but
 * it is only 32 bits and collides easily; this uses FNV-1a over UTF-8 bytes (64 bits) and the
 * SplitMix64 finaliser, both fully specified, so a seed means the same on every machine and
 * version.
 */
public final class Seeds {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Seeds() {}

    /** A seed for the stream named {@code parts} under run seed {@code seed}. */
    public static long of(long seed, String... parts) {
        long h = mix64(seed ^ FNV_OFFSET);
        for (String part : parts) {
            long f = FNV_OFFSET;
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                f ^= (b & 0xff);
                f *= FNV_PRIME;
            }
            // Separator so ("ab","c") and ("a","bc") differ.
            f ^= 0xff;
            f *= FNV_PRIME;
            h = mix64(h * 31 + f);
        }
        return h;
    }

    /** A seed for stream {@code stream} and a numeric index (e.g. a query number). */
    public static long of(long seed, String stream, long index) {
        return mix64(of(seed, stream) + mix64(index + 0x9e3779b97f4a7c15L));
    }

    /** A random generator for {@link #of(long, String...)}. */
    public static SplittableRandom random(long seed, String... parts) {
        return new SplittableRandom(of(seed, parts));
    }

    /** SplitMix64 finaliser: a bijective 64-bit mix with good avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A standard normal draw (Box-Muller, one of the pair), so no generator state is hidden in a cache. */
    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** A draw log-uniform in [lo, hi] (lo > 0). */
    public static double logUniform(SplittableRandom rng, double lo, double hi) {
        return Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    /** Logistic function, guarded against overflow. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
