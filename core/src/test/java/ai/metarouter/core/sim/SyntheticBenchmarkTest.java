package ai.metarouter.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticBenchmarkTest {
    private static final SyntheticBenchmark.Dataset DEFAULT =
            SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(7).withQueries(3000));

    @Test
    void sameSeedGivesIdenticalTablesAndDifferentSeedsDiffer() {
        SyntheticBenchmark.Config config = SyntheticBenchmark.Config.defaults(11).withQueries(300);
        SyntheticBenchmark.Dataset a = SyntheticBenchmark.generate(config);
        SyntheticBenchmark.Dataset b = SyntheticBenchmark.generate(config);
        assertTablesEqual(a.outcomes(), b.outcomes());
        assertEquals(a.catalog(), b.catalog());
        assertEquals(a.catalog().toJson(), b.catalog().toJson());

        SyntheticBenchmark.Dataset c = SyntheticBenchmark.generate(new SyntheticBenchmark.Config(300, 11, 12, 0.3,
                SyntheticBenchmark.QualityMode.GRADED));
        assertNotEquals(a.outcomes().queries(), c.outcomes().queries());
    }

    @Test
    void aSmallerBenchmarkIsAPrefixOfALargerOne() {
        OutcomeTable small = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(7).withQueries(50)).outcomes();
        OutcomeTable large = DEFAULT.outcomes();
        for (int i = 0; i < small.numQueries(); i++) {
            assertEquals(small.query(i), large.query(i));
            for (int m = 0; m < small.numModels(); m++) {
                assertEquals(small.quality(i, m), large.quality(i, m));
                assertEquals(small.cost(i, m), large.cost(i, m));
            }
        }
    }

    @Test
    void catalogHasPricesAndMeanCostsOfTheTable() {
        ModelCatalog catalog = DEFAULT.catalog();
        assertEquals("synthetic", catalog.source());
        assertEquals(11, catalog.size());
        assertEquals(DEFAULT.outcomes().models(), catalog.ids());
        for (int m = 0; m < catalog.size(); m++) {
            ModelInfo info = catalog.models().get(m);
            assertTrue(info.inputPrice() != null && info.inputPrice() > 0, info.id());
            assertTrue(info.outputPrice() != null && info.outputPrice() > 0, info.id());
            assertEquals(DEFAULT.outcomes().meanCost(m), info.meanCostUsd(), 1e-15);
            assertEquals(DEFAULT.outcomes().numQueries(), info.queries());
        }
        // Round trip through models.json.
        assertEquals(catalog, ModelCatalog.fromJson(catalog.toJson(), "test"));
    }

    @Test
    void everyCellIsFilledWithValidValuesAndCostIsPricedTokens() {
        OutcomeTable t = DEFAULT.outcomes();
        for (int i = 0; i < t.numQueries(); i++) {
            for (int m = 0; m < t.numModels(); m++) {
                assertTrue(t.has(i, m));
                assertTrue(t.quality(i, m) >= 0 && t.quality(i, m) <= 1);
                assertTrue(t.cost(i, m) > 0);
            }
        }
    }

    @Test
    void costSpreadIsAtLeastFiftyFoldForEveryPoolSize() {
        for (int k : new int[] {2, 3, 5, 11, 16}) {
            ModelCatalog catalog = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(3).withQueries(400).withModels(k)).catalog();
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (ModelInfo m : catalog.models()) {
                lo = Math.min(lo, m.meanCostUsd());
                hi = Math.max(hi, m.meanCostUsd());
            }
            assertEquals(k, catalog.size());
            assertEquals(k, new HashSet<>(catalog.ids()).size());
            assertTrue(hi / lo >= 50, "k=" + k + ": cost spread " + hi / lo);
        }
    }

    @Test
    void theBestModelDiffersAcrossFamiliesAndCheapModelsWinSome() {
        OutcomeTable t = DEFAULT.outcomes();
        ModelCatalog catalog = DEFAULT.catalog();
        List<String> dearestThree = new ArrayList<>(catalog.ids());
        dearestThree.sort((a, b) -> Double.compare(catalog.get(b).meanCostUsd(), catalog.get(a).meanCostUsd()));
        dearestThree = dearestThree.subList(0, 3);

        Set<String> winners = new HashSet<>();
        boolean cheapWinner = false;
        for (String family : SyntheticBenchmark.FAMILIES) {
            OutcomeTable f = t.filterQueries(q -> q.task().equals(family));
            assertTrue(f.numQueries() > 300, family + " has " + f.numQueries() + " queries");
            int best = 0;
            for (int m = 1; m < f.numModels(); m++) if (f.meanQuality(m) > f.meanQuality(best)) best = m;
            winners.add(f.model(best));
            if (!dearestThree.contains(f.model(best))) cheapWinner = true;
        }
        assertTrue(winners.size() >= 3, "per-family best models: " + winners);
        assertTrue(cheapWinner, "some family should be won by a model outside the three dearest: " + winners);
    }

    @Test
    void priceAndQualityCorrelateButNotPerfectly() {
        OutcomeTable t = DEFAULT.outcomes();
        double rho = costQualityRankCorrelation(t);
        assertTrue(rho > 0.5, "price and quality should correlate, rho=" + rho);
        assertTrue(rho < 0.99, "but not perfectly, rho=" + rho);
        int inverted = 0;
        for (String family : SyntheticBenchmark.FAMILIES) {
            if (costQualityRankCorrelation(t.filterQueries(q -> q.task().equals(family))) < 0.9) inverted++;
        }
        assertTrue(inverted >= 3, "within most families price should be a poor guide; only " + inverted + " are");
    }

    private static double costQualityRankCorrelation(OutcomeTable t) {
        int k = t.numModels();
        double[] cost = new double[k];
        double[] quality = new double[k];
        for (int m = 0; m < k; m++) {
            cost[m] = t.meanCost(m);
            quality[m] = t.meanQuality(m);
        }
        return spearman(cost, quality);
    }

    @Test
    void aDifficultyCueWordShiftsMeanQuality() {
        OutcomeTable t = DEFAULT.outcomes();
        for (String family : List.of("code", "math", "qa")) {
            double hard = meanQualityOfQueriesWith(t, family, SyntheticBenchmark.HARD_CUES);
            double easy = meanQualityOfQueriesWith(t, family, SyntheticBenchmark.EASY_CUES);
            assertTrue(easy - hard > 0.15, family + ": easy-cue mean " + easy + " vs hard-cue mean " + hard);
        }
    }

    @Test
    void topicWordsCarrySignalWithinAFamily() {
        // Topics differ in difficulty, so mean quality by topic word differs within a family.
        OutcomeTable t = DEFAULT.outcomes();
        double easiest = meanQualityOfQueriesWith(t, "code", new String[] {"palindrome", "substring", "regex"});
        double hardest = meanQualityOfQueriesWith(t, "code", new String[] {"array", "matrix", "sort"});
        assertTrue(easiest - hardest > 0.05, "strings topic " + easiest + " vs arrays topic " + hardest);
    }

    @Test
    void binaryModeGivesZeroOneQualityWithTheSameMeans() {
        OutcomeTable graded = DEFAULT.outcomes();
        OutcomeTable binary = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(7).withQueries(3000)
                .withQualityMode(SyntheticBenchmark.QualityMode.BINARY)).outcomes();
        for (int m = 0; m < binary.numModels(); m++) {
            for (int i = 0; i < binary.numQueries(); i++) {
                double q = binary.quality(i, m);
                assertTrue(q == 0.0 || q == 1.0);
            }
            // Bernoulli(p) around the graded p: the means agree within sampling error (sd <= 0.5/sqrt(3000)).
            assertEquals(graded.meanQuality(m), binary.meanQuality(m), 0.05, binary.model(m));
        }
    }

    @Test
    void splitFractionFollowsTheConfig() {
        long test = DEFAULT.outcomes().queries().stream().filter(q -> q.split().equals("test")).count();
        double share = test / (double) DEFAULT.outcomes().numQueries();
        assertEquals(0.3, share, 0.03);
        assertTrue(DEFAULT.outcomes().queries().stream().allMatch(q -> q.split().equals("train") || q.split().equals("test")));
    }

    @Test
    void promptsVaryInLength() {
        int[] lengths = DEFAULT.outcomes().queries().stream().mapToInt(q -> q.prompt().split("\\s+").length).sorted().toArray();
        assertTrue(lengths[0] >= 3);
        assertTrue(lengths[lengths.length - 1] > 4 * lengths[lengths.length / 10], Arrays.toString(Arrays.copyOf(lengths, 5)));
    }

    @Test
    void badConfigIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SyntheticBenchmark.Config(0, 11, 1, 0.3, SyntheticBenchmark.QualityMode.GRADED));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticBenchmark.Config(10, 1, 1, 0.3, SyntheticBenchmark.QualityMode.GRADED));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticBenchmark.Config(10, 11, 1, 1.0, SyntheticBenchmark.QualityMode.GRADED));
    }

    private static double meanQualityOfQueriesWith(OutcomeTable t, String family, String[] words) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < t.numQueries(); i++) {
            if (!t.query(i).task().equals(family)) continue;
            Set<String> tokens = new HashSet<>(Arrays.asList(t.query(i).prompt().toLowerCase().split("[^a-z_]+")));
            boolean hit = false;
            for (String w : words) hit |= tokens.contains(w);
            if (!hit) continue;
            for (int m = 0; m < t.numModels(); m++) {
                sum += t.quality(i, m);
                n++;
            }
        }
        assertTrue(n > 100, family + ": too few queries with " + Arrays.toString(words));
        return sum / n;
    }

    private static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += rx[i] / x.length;
            my += ry[i] / x.length;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[idx[i]] = i;
        return r;
    }

    static void assertTablesEqual(OutcomeTable a, OutcomeTable b) {
        assertEquals(a.queries(), b.queries());
        assertEquals(a.models(), b.models());
        for (int i = 0; i < a.numQueries(); i++) {
            for (int m = 0; m < a.numModels(); m++) {
                assertEquals(Double.doubleToRawLongBits(a.quality(i, m)), Double.doubleToRawLongBits(b.quality(i, m)));
                assertEquals(Double.doubleToRawLongBits(a.cost(i, m)), Double.doubleToRawLongBits(b.cost(i, m)));
            }
        }
    }
}
