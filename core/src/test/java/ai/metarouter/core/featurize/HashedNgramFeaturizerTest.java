package ai.metarouter.core.featurize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HashedNgramFeaturizerTest {

    /** Published MurmurHash3 x86_32 test vectors (SMHasher's reference implementation). */
    @Test
    void murmurHashMatchesReferenceVectors() {
        assertEquals(0x00000000, MurmurHash3.hash32("", 0));
        assertEquals(0x514e28b7, MurmurHash3.hash32("", 1));
        assertEquals(0xb3dd93fa, MurmurHash3.hash32("abc", 0));
        assertEquals(0x24884cba, MurmurHash3.hash32("Hello, world!", 0x9747b28c));
        assertEquals(0x2e4ff723, MurmurHash3.hash32("The quick brown fox jumps over the lazy dog", 0));
        assertEquals(0x2fa826cd, MurmurHash3.hash32("The quick brown fox jumps over the lazy dog", 0x9747b28c));
        byte[] padded = "xxabcxx".getBytes(StandardCharsets.UTF_8);
        assertEquals(MurmurHash3.hash32("abc", 5), MurmurHash3.hash32(padded, 2, 3, 5), "offset/length slice");
    }

    /**
     * A deliberately naive re-implementation of the documented algorithm (strings, maps, boxing),
     * independent of the fast path's buffers and bucket bookkeeping.
     */
    private static QueryFeatures reference(FeatureSpec spec, String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int cps = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            cps++;
            if (Character.isLetterOrDigit(cp)) {
                cur.appendCodePoint(spec.lowercase() ? Character.toLowerCase(cp) : cp);
            } else if (cur.length() > 0) {
                tokens.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (cur.length() > 0) tokens.add(cur.toString());
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        for (int n = 1; n <= spec.maxNgram(); n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                int h = MurmurHash3.hash32(String.join(" ", tokens.subList(i, i + n)), spec.hashSeed());
                counts.merge(h & (spec.dim() - 1), h < 0 ? -1 : 1, Integer::sum);
            }
        }
        counts.values().removeIf(c -> c == 0);
        int[] idx = new int[counts.size()];
        double[] val = new double[counts.size()];
        int k = 0;
        double sq = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            idx[k] = e.getKey();
            val[k] = Math.signum(e.getValue()) * Math.log1p(Math.abs(e.getValue()));
            sq += val[k] * val[k];
            k++;
        }
        for (int i = 0; i < val.length; i++) val[i] /= Math.sqrt(sq);
        return new QueryFeatures(idx, val, tokens.size(), cps);
    }

    private static String randomText(SplittableRandom rng, int length) {
        String[] pieces = {"the", "The", "model", "cost", "QUALITY", "straße", "東京", "😀", "naïve", "x1", "42", "İ", "Σ",
                "\uD800", "\uDC00", " ", "  ", ", ", ".", "\n", "-", "'"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(pieces[rng.nextInt(pieces.length)]);
            if (rng.nextDouble() < 0.6) sb.append(' ');
        }
        return sb.toString();
    }

    @Test
    void fastPathEqualsTheNaiveReferenceBitForBit() {
        SplittableRandom rng = new SplittableRandom(3);
        FeatureSpec[] specs = {FeatureSpec.defaults(), new FeatureSpec(16, 3, 7, false, 1), new FeatureSpec(1 << 20, 1, -5, true, 1),
                new FeatureSpec(2, 5, 0, true, 1)};
        for (FeatureSpec spec : specs) {
            HashedNgramFeaturizer f = new HashedNgramFeaturizer(spec);
            for (int trial = 0; trial < 300; trial++) {
                String text = randomText(rng, rng.nextInt(400));
                assertEquals(reference(spec, text), f.featurize(text), () -> spec + " on \"" + text + "\"");
            }
        }
    }

    @Test
    void goldenOutputsOfVersionOne() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("hashed-ngram-v1-golden.json")) {
            root = new ObjectMapper().readTree(in);
        }
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> specMap = new ObjectMapper().convertValue(c.get("spec"), Map.class);
            FeatureSpec spec = FeatureSpec.fromMap(specMap);
            QueryFeatures got = new HashedNgramFeaturizer(spec).featurize(c.get("text").asText());
            int n = c.get("indices").size();
            int[] idx = new int[n];
            double[] val = new double[n];
            for (int i = 0; i < n; i++) {
                idx[i] = c.get("indices").get(i).asInt();
                val[i] = Double.parseDouble(c.get("values").get(i).asText());
            }
            assertArrayEquals(idx, got.indices(), "indices of " + c.get("text"));
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToLongBits(val[i]), Double.doubleToLongBits(got.values()[i]), "value " + i + " of " + c.get("text"));
            }
            assertEquals(c.get("token_count").asInt(), got.tokenCount());
            assertEquals(c.get("char_count").asInt(), got.charCount());
            checked++;
        }
        assertEquals(14, checked);
    }

    @Test
    void documentedSemantics() {
        HashedNgramFeaturizer f = new HashedNgramFeaturizer(FeatureSpec.defaults());
        QueryFeatures a = f.featurize("Hello, world!");
        assertEquals(2, a.tokenCount());
        assertEquals(3, a.nonZeros(), "two unigrams and one bigram");
        assertEquals(f.featurize("hello world"), new QueryFeatures(a.indices(), a.values(), 2, 11));
        assertEquals(a.indices().length, f.featurize("HELLO   world").indices().length);
        assertArrayEquals(a.values(), f.featurize("hello\tWORLD").values());
        double norm = 0;
        for (double v : f.featurize(randomText(new SplittableRandom(1), 1000)).values()) norm += v * v;
        assertEquals(1.0, norm, 1e-12);
        QueryFeatures empty = f.featurize("  ... ");
        assertEquals(0, empty.nonZeros());
        assertEquals(0, empty.tokenCount());
        for (int i = 1; i < a.indices().length; i++) assertTrue(a.indices()[i] > a.indices()[i - 1]);
        assertNotEquals(f.featurize("cheap model"), f.featurize("model cheap"), "bigrams see word order");
    }

    @Test
    void deterministicAcrossInstancesAndThreads() throws Exception {
        SplittableRandom rng = new SplittableRandom(11);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) texts.add(randomText(rng, rng.nextInt(1500)));
        HashedNgramFeaturizer one = new HashedNgramFeaturizer(FeatureSpec.defaults());
        List<QueryFeatures> expected = new ArrayList<>();
        for (String t : texts) expected.add(one.featurize(t));
        HashedNgramFeaturizer shared = new HashedNgramFeaturizer(FeatureSpec.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<QueryFeatures>>> futures = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                futures.add(pool.submit(() -> {
                    List<QueryFeatures> out = new ArrayList<>();
                    for (int rep = 0; rep < 3; rep++) {
                        out.clear();
                        for (String t : texts) out.add(shared.featurize(t));
                    }
                    return out;
                }));
            }
            for (Future<List<QueryFeatures>> fu : futures) assertEquals(expected, fu.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void specValidatesAndRoundTrips() {
        FeatureSpec s = new FeatureSpec(1024, 3, 99, false, 1);
        assertEquals(s, FeatureSpec.fromMap(s.toMap()));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSpec(1000, 2, 0, true, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSpec(1024, 2, 0, true, 2));
        assertThrows(IllegalArgumentException.class, () -> FeatureSpec.fromMap(Map.of("type", "other")));
    }
}
