package ai.metarouter.core.learn;

import ai.metarouter.core.featurize.StableHash;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which users take part in an outer iteration, decided from (seed, iteration, user id) alone so
 * that Spark executors and the reference trainer pick the same users without talking to each
 * other. Two forms: a Bernoulli rate (one pass, no coordination: keep a user when its hash maps
 * below the rate) and an exact size (the {@code count} users with the smallest hashes, ties by id).
 */
public final class UserSampler {
    /** Separates the sampling stream from the per-user objective's stream of the same seed. */
    private static final long SAMPLING_SALT = 0x5a3c_9e17_d2b4_f081L;

    private UserSampler() {}

    /** The user's sampling hash at (seed, iteration). */
    public static long hash(long seed, int iteration, String userId) {
        return StableHash.seedFor(seed ^ SAMPLING_SALT, iteration, userId);
    }

    /** Bernoulli sampling: whether the user is in iteration {@code iteration}'s sample at {@code rate}. */
    public static boolean keep(long seed, int iteration, String userId, double rate) {
        return StableHash.unitInterval(hash(seed, iteration, userId)) < rate;
    }

    /** Exact-size sampling: the {@code count} users with the smallest hashes, in hash order. */
    public static List<String> sample(long seed, int iteration, Collection<String> userIds, int count) {
        record Keyed(long hash, String id) {}
        List<Keyed> keyed = new ArrayList<>(userIds.size());
        for (String u : userIds) keyed.add(new Keyed(hash(seed, iteration, u), u));
        keyed.sort(Comparator.comparingLong(Keyed::hash).thenComparing(Keyed::id));
        List<String> out = new ArrayList<>(Math.min(count, keyed.size()));
        for (int i = 0; i < keyed.size() && i < count; i++) out.add(keyed.get(i).id());
        return out;
    }
}
