package ai.metarouter.core.featurize;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit hashes of ids that are the same on every JVM and platform ({@link String#hashCode} is
 * too weak and {@link Object#hashCode} is not stable). Used to derive seeds: the exploration seed
 * of a routing decision from its event id, a user's per-iteration noise and context-size draws
 * from (seed, iteration, user id), and the sampling of users per outer iteration, so that the
 * Spark trainer and the single-machine reference trainer make identical draws.
 */
public final class StableHash {
    private StableHash() {}

    /** A 64-bit hash of a string's UTF-8 bytes: two MurmurHash3 x86_32 words, then SplitMix64 mixing. */
    public static long hash64(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long hi = MurmurHash3.hash32(b, 0x5bd1e995) & 0xffffffffL;
        long lo = MurmurHash3.hash32(b, 0x2f8b6d1b) & 0xffffffffL;
        return mix64((hi << 32) | lo);
    }

    /** Combines a running seed with another value (order matters): used for (seed, iteration, id) tuples. */
    public static long combine(long seed, long value) {
        return mix64(seed * 0x9e3779b97f4a7c15L + mix64(value ^ 0xd1b54a32d192ed03L));
    }

    /** A seed for (seed, iteration, id): the standard derivation used across trainers. */
    public static long seedFor(long seed, long iteration, String id) {
        return combine(combine(seed, iteration), hash64(id));
    }

    /** The seed of a routing decision, derived from its event id (the logged decision is then replayable). */
    public static long decisionSeed(String eventId) {
        return hash64(eventId);
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014), a bijection with good avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A hash mapped to [0, 1) with 53 bits, for rate-based sampling. */
    public static double unitInterval(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }
}
