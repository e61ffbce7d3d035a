package ai.metarouter.core.featurize;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that determines the featuriser's output. It is written into every artifact's manifest
 * ({@link #toMap()}), and serving refuses a spec it cannot reproduce, because a model trained on one
 * hashing scheme is garbage on another.
 *
 * @param dim number of hash buckets, a power of two (indices are {@code hash & (dim - 1)})
 * @param maxNgram longest word n-gram (1 = unigrams only)
 * @param hashSeed MurmurHash3 seed
 * @param lowercase whether tokens are lower-cased (per code point, locale-independent)
 * @param version version of the tokenisation and hashing algorithm; only {@link #ALGORITHM_VERSION} exists
 */
public record FeatureSpec(int dim, int maxNgram, int hashSeed, boolean lowercase, int version) {
    /** The algorithm implemented by {@link HashedNgramFeaturizer}. */
    public static final int ALGORITHM_VERSION = 1;
    /** The type tag in the manifest map. */
    public static final String TYPE = "hashed_ngram";
    public static final int DEFAULT_DIM = 4096;
    public static final int DEFAULT_MAX_NGRAM = 2;
    public static final int DEFAULT_HASH_SEED = 0x4d52_0001;

    public FeatureSpec {
        // The sign comes from bit 31 of the hash, so the index bits must stay below it.
        if (dim < 2 || dim > (1 << 30) || Integer.bitCount(dim) != 1) {
            throw new IllegalArgumentException("feature dim must be a power of two in [2, 2^30], got " + dim);
        }
        if (maxNgram < 1 || maxNgram > 5) throw new IllegalArgumentException("maxNgram must be in [1, 5], got " + maxNgram);
        if (version != ALGORITHM_VERSION) {
            throw new IllegalArgumentException("unsupported featuriser version " + version + " (this build implements " + ALGORITHM_VERSION + ")");
        }
    }

    public static FeatureSpec defaults() {
        return new FeatureSpec(DEFAULT_DIM, DEFAULT_MAX_NGRAM, DEFAULT_HASH_SEED, true, ALGORITHM_VERSION);
    }

    /** The manifest form: JSON-able keys and values. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("version", version);
        m.put("dim", dim);
        m.put("max_ngram", maxNgram);
        m.put("hash_seed", hashSeed);
        m.put("lowercase", lowercase);
        return m;
    }

    /** Reads {@link #toMap()}'s form back; a missing or mistyped key is a one-line error naming it. */
    public static FeatureSpec fromMap(Map<String, ?> m) {
        Object type = m.get("type");
        if (!TYPE.equals(type)) throw new IllegalArgumentException("feature spec: type must be \"" + TYPE + "\", got " + type);
        return new FeatureSpec(intKey(m, "dim"), intKey(m, "max_ngram"), intKey(m, "hash_seed"),
                boolKey(m, "lowercase"), intKey(m, "version"));
    }

    private static int intKey(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw new IllegalArgumentException("feature spec: '" + key + "' must be an integer, got " + v);
        }
        return n.intValue();
    }

    private static boolean boolKey(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException("feature spec: '" + key + "' must be a boolean, got " + v);
        return b;
    }
}
