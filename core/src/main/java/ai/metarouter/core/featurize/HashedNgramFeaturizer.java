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
    /** log1p(c) for small counts, computed with Math.log1p itself, so the table changes no bit of the output. */
    private static final double[] LOG1P = new double[1024];
    /** ASCII letters and digits, exactly Character.isLetterOrDigit on [0, 128). */
    private static final boolean[] ASCII_WORD = new boolean[128];

    static {
        for (int c = 0; c < LOG1P.length; c++) LOG1P[c] = Math.log1p(c);
        for (int c = 0; c < 128; c++) ASCII_WORD[c] = Character.isLetterOrDigit(c);
    }

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
                long bit = 1L << bucket;
                int word = bucket >>> 6;
                if ((s.touched[word] & bit) == 0) {
                    s.touched[word] |= bit;
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
            char ch = text.charAt(i);
            if (ch < 128) {
                // ASCII fast path: same decisions as the general path below, without its table lookups.
                i++;
                codePoints++;
                if (ASCII_WORD[ch]) {
                    if (!inToken) {
                        if (tokens > 0) buf[pos++] = ' ';
                        s.tokStart[tokens] = pos;
                        inToken = true;
                    }
                    buf[pos++] = (byte) (lower && ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
                } else if (inToken) {
                    s.tokEnd[tokens++] = pos;
                    inToken = false;
                }
                continue;
            }
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
        long[] bits = s.touched;
        int[] counts = s.counts;
        // Walking the bitset's words visits buckets in order; when the words far outnumber the
        // touched buckets, sorting the touched list is cheaper.
        boolean scan = bits.length <= 4L * touched;
        if (!scan) Arrays.sort(order, 0, touched);
        int[] idx = new int[touched];
        double[] val = new double[touched];
        int k = 0;
        if (scan) {
            for (int w = 0; w < bits.length; w++) {
                long x = bits[w];
                if (x == 0) continue;
                bits[w] = 0;
                while (x != 0) {
                    int b = (w << 6) + Long.numberOfTrailingZeros(x);
                    x &= x - 1;
                    int c = counts[b];
                    counts[b] = 0;
                    if (c != 0) {
                        idx[k] = b;
                        val[k++] = signedLog1p(c);
                    }
                }
            }
        } else {
            for (int t = 0; t < touched; t++) {
                int b = order[t];
                int c = counts[b];
                counts[b] = 0;
                bits[b >>> 6] = 0;
                if (c != 0) {
                    idx[k] = b;
                    val[k++] = signedLog1p(c);
                }
            }
        }
        s.touchedCount = 0;
        int nnz = k;
        if (nnz < touched) {
            idx = Arrays.copyOf(idx, nnz);
            val = Arrays.copyOf(val, nnz);
        }
        double sq = 0;
        for (int i = 0; i < nnz; i++) sq += val[i] * val[i];
        if (sq > 0) {
            // Divide (not multiply by a reciprocal): the documented rule, and one rounding fewer.
            double norm = Math.sqrt(sq);
            for (int i = 0; i < nnz; i++) val[i] /= norm;
        }
        return new QueryFeatures(idx, val, tokens, s.codePoints);
    }

    private static double signedLog1p(int c) {
        int a = c < 0 ? -c : c;
        double v = a < LOG1P.length ? LOG1P[a] : Math.log1p(a);
        return c < 0 ? -v : v;
    }

    /** Per-thread buffers; grown on demand, never shrunk. */
    private static final class Scratch {
        byte[] bytes = new byte[4096];
        int[] tokStart = new int[512];
        int[] tokEnd = new int[512];
        final int[] counts;
        /** Bitset of touched buckets (dim / 64 words). */
        final long[] touched;
        int[] touchedList = new int[1024];
        int touchedCount;
        int codePoints;

        Scratch(int dim) {
            counts = new int[dim];
            touched = new long[Math.max(1, dim >>> 6)];
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
