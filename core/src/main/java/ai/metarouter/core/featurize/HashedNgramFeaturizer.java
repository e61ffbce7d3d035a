package ai.metarouter.core.featurize;

import java.util.Arrays;

/**
 * The one text featuriser: hashed word n-grams with signed hashing, log-scaled counts, L2
 * normalisation. Immutable and thread-safe (per-thread scratch buffers, so the hot path allocates
 * only the two result arrays).
 *
 * <p>Algorithm (version 1; a re-implementation elsewhere must follow it exactly):
 * <ol>
 *   <li>Tokens are maximal runs of code points for which {@link Character#isLetterOrDigit(int)}
 *       holds; everything else separates tokens. Unpaired surrogates are separators.</li>
 *   <li>With {@code lowercase}, each code point is mapped by {@link Character#toLowerCase(int)}. This
 *       is locale-independent like {@code toLowerCase(Locale.ROOT)} but per code point, so it has no
 *       context rules (final sigma) and never changes a token's length in code points (U+0130 becomes
 *       "i", not "i" + combining dot); that keeps it a one-line rule in any language.</li>
 *   <li>For n = 1..maxNgram, every run of n consecutive tokens, joined by one space, is encoded as
 *       UTF-8 and hashed with MurmurHash3 x86_32 (seed {@code hashSeed}) to h. Its bucket is
 *       {@code h & (dim - 1)}, its sign +1 if bit 31 of h is 0, else -1.</li>
 *   <li>Per bucket, the signed counts are summed to s; the value is {@code signum(s) * log1p(|s|)};
 *       buckets whose signs cancel to 0 are dropped.</li>
 *   <li>The vector is divided by its L2 norm, the squares summed in increasing index order (an
 *       empty vector stays empty).</li>
 * </ol>
 */
public final class HashedNgramFeaturizer {
    private final FeatureSpec spec;
    private final int mask;
    private final ThreadLocal<Scratch> scratch;

    public HashedNgramFeaturizer(FeatureSpec spec) {
        this.spec = spec;
        this.mask = spec.dim() - 1;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(spec.dim()));
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** Features of one query. */
    public QueryFeatures featurize(String text) {
        Scratch s = scratch.get();
        int tokens = tokenize(text, s);
        int maxN = spec.maxNgram();
        int seed = spec.hashSeed();
        byte[] buf = s.bytes;
        for (int n = 1; n <= maxN; n++) {
            for (int i = 0; i + n <= tokens; i++) {
                int start = s.tokStart[i];
                int h = MurmurHash3.hash32(buf, start, s.tokEnd[i + n - 1] - start, seed);
                int bucket = h & mask;
                if (!s.touched[bucket]) {
                    s.touched[bucket] = true;
                    s.touchedList[s.touchedCount++] = bucket;
                }
                s.counts[bucket] += h < 0 ? -1 : 1;
            }
        }
        return collect(s, tokens);
    }

    /** Splits into tokens; fills the scratch byte buffer with tokens joined by single spaces. */
    private int tokenize(String text, Scratch s) {
        int len = text.length();
        s.ensureBytes(4 * len + 1);
        s.ensureTokens(len / 2 + 2);
        byte[] buf = s.bytes;
        int pos = 0;
        int tokens = 0;
        int codePoints = 0;
        boolean inToken = false;
        boolean lower = spec.lowercase();
        for (int i = 0; i < len; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            codePoints++;
            if (Character.isLetterOrDigit(cp)) {
                if (!inToken) {
                    if (tokens > 0) buf[pos++] = ' ';
                    s.tokStart[tokens] = pos;
                    inToken = true;
                }
                if (lower) cp = Character.toLowerCase(cp);
                pos = putUtf8(buf, pos, cp);
            } else if (inToken) {
                s.tokEnd[tokens++] = pos;
                inToken = false;
            }
        }
        if (inToken) s.tokEnd[tokens++] = pos;
        s.codePoints = codePoints;
        return tokens;
    }

    private static int putUtf8(byte[] buf, int pos, int cp) {
        if (cp < 0x80) {
            buf[pos++] = (byte) cp;
        } else if (cp < 0x800) {
            buf[pos++] = (byte) (0xc0 | (cp >>> 6));
            buf[pos++] = (byte) (0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            buf[pos++] = (byte) (0xe0 | (cp >>> 12));
            buf[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
            buf[pos++] = (byte) (0x80 | (cp & 0x3f));
        } else {
            buf[pos++] = (byte) (0xf0 | (cp >>> 18));
            buf[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
            buf[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
            buf[pos++] = (byte) (0x80 | (cp & 0x3f));
        }
        return pos;
    }

    /** Emits the touched buckets in increasing order and resets the scratch for the next call. */
    private QueryFeatures collect(Scratch s, int tokens) {
        int touched = s.touchedCount;
        int[] order = s.touchedList;
        // Few buckets in a big space: sort them; otherwise a linear scan of the marks is cheaper.
        boolean scan = (long) touched * 16 >= spec.dim();
        if (!scan) Arrays.sort(order, 0, touched);
        int nnz = 0;
        for (int t = 0; t < touched; t++) if (s.counts[order[t]] != 0) nnz++;
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        int k = 0;
        if (scan) {
            boolean[] marks = s.touched;
            for (int b = 0; b < marks.length; b++) {
                if (marks[b]) {
                    int c = s.counts[b];
                    if (c != 0) {
                        idx[k] = b;
                        val[k++] = c > 0 ? Math.log1p(c) : -Math.log1p(-c);
                    }
                }
            }
        } else {
            for (int t = 0; t < touched; t++) {
                int b = order[t];
                int c = s.counts[b];
                if (c != 0) {
                    idx[k] = b;
                    val[k++] = c > 0 ? Math.log1p(c) : -Math.log1p(-c);
                }
            }
        }
        for (int t = 0; t < touched; t++) {
            int b = order[t];
            s.counts[b] = 0;
            s.touched[b] = false;
        }
        s.touchedCount = 0;
        double sq = 0;
        for (int i = 0; i < nnz; i++) sq += val[i] * val[i];
        if (sq > 0) {
            // Divide (not multiply by a reciprocal): the documented rule, and one rounding fewer.
            double norm = Math.sqrt(sq);
            for (int i = 0; i < nnz; i++) val[i] /= norm;
        }
        return new QueryFeatures(idx, val, tokens, s.codePoints);
    }

    /** Per-thread buffers; grown on demand, never shrunk. */
    private static final class Scratch {
        byte[] bytes = new byte[4096];
        int[] tokStart = new int[512];
        int[] tokEnd = new int[512];
        final int[] counts;
        final boolean[] touched;
        int[] touchedList = new int[1024];
        int touchedCount;
        int codePoints;

        Scratch(int dim) {
            counts = new int[dim];
            touched = new boolean[dim];
        }

        void ensureBytes(int n) {
            if (bytes.length < n) bytes = new byte[Math.max(n, bytes.length * 2)];
        }

        void ensureTokens(int n) {
            if (tokStart.length < n) {
                int size = Math.max(n, tokStart.length * 2);
                tokStart = new int[size];
                tokEnd = new int[size];
            }
            // At most maxNgram (<= 5) distinct buckets per token.
            if (touchedList.length < 5 * n) touchedList = new int[Math.max(5 * n, touchedList.length * 2)];
        }
    }
}
