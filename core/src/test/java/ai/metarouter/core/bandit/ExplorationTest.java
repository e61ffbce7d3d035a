package ai.metarouter.core.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.featurize.StableHash;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExplorationTest {
    private static final List<Exploration> STRATEGIES = List.of(
            new Greedy(0.0), new Greedy(0.02),
            new Softmax(0.1, 0.0), new Softmax(0.05, 0.03), new Softmax(10.0, 0.0),
            new EpsilonGreedy(0.1, 0.0), new EpsilonGreedy(0.3, 0.05), new EpsilonGreedy(1.0, 0.0));

    private static double[] randomScores(SplittableRandom rng, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = rng.nextDouble() * 2 - 1;
        return s;
    }

    @Test
    void probabilitiesSumToOneAndRespectTheFloorAndTheMask() {
        SplittableRandom rng = new SplittableRandom(5);
        for (Exploration ex : STRATEGIES) {
            for (int trial = 0; trial < 200; trial++) {
                int n = 1 + rng.nextInt(11);
                double[] scores = randomScores(rng, n);
                boolean[] available = new boolean[n];
                int m = 0;
                for (int i = 0; i < n; i++) {
                    available[i] = rng.nextDouble() < 0.8;
                    if (available[i]) m++;
                }
                if (m == 0) {
                    available[0] = true;
                    m = 1;
                }
                for (int i = 0; i < n; i++) if (!available[i]) scores[i] = rng.nextBoolean() ? Double.NaN : 1e9;
                double[] p = ex.probabilities(scores, available);
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += p[i];
                    if (!available[i]) assertEquals(0.0, p[i], ex + ": masked candidate has mass");
                    else assertTrue(p[i] >= Math.min(ex.minProbability(), 1.0 / m) - 1e-15, ex + ": below the floor: " + p[i]);
                }
                assertEquals(1.0, sum, 1e-12, ex + ": probabilities sum to " + sum);
            }
        }
    }

    @Test
    void chosenArmIsReproducibleFromTheSeedAndHasPositivePropensity() {
        SplittableRandom rng = new SplittableRandom(6);
        for (Exploration ex : STRATEGIES) {
            double[] scores = randomScores(rng, 11);
            for (int e = 0; e < 50; e++) {
                long seed = StableHash.decisionSeed("event-" + e);
                Decision a = ex.decide(scores, seed);
                Decision b = ex.decide(scores.clone(), seed);
                assertEquals(a, b);
                assertTrue(a.propensity() > 0);
                assertEquals(a.probabilities()[a.chosenIndex()], a.propensity());
            }
        }
    }

    @Test
    void removedCandidateIsNeverChosen() {
        SplittableRandom rng = new SplittableRandom(7);
        for (Exploration ex : STRATEGIES) {
            double[] scores = randomScores(rng, 11);
            int best = 0;
            for (int i = 1; i < 11; i++) if (scores[i] > scores[best]) best = i;
            boolean[] available = new boolean[11];
            java.util.Arrays.fill(available, true);
            available[best] = false;
            available[3 == best ? 4 : 3] = false;
            for (int e = 0; e < 2000; e++) {
                Decision d = ex.decide(scores, available, e);
                assertTrue(available[d.chosenIndex()], ex + " chose a removed candidate");
            }
        }
    }

    @Test
    void samplingFollowsTheProbabilities() {
        double[] scores = {0.0, 0.1, 0.2, 0.3};
        Exploration ex = new Softmax(0.1, 0.0);
        double[] p = ex.probabilities(scores, null);
        int[] counts = new int[4];
        int draws = 40000;
        for (int e = 0; e < draws; e++) counts[ex.decide(scores, StableHash.decisionSeed("e" + e)).chosenIndex()]++;
        for (int i = 0; i < 4; i++) {
            double se = Math.sqrt(p[i] * (1 - p[i]) / draws);
            assertEquals(p[i], counts[i] / (double) draws, 5 * se, "arm " + i);
        }
    }

    @Test
    void greedySplitsTiesAndEpsilonGreedyHasTheDocumentedForm() {
        double[] p = new Greedy(0).probabilities(new double[] {1, 3, 3, 2}, null);
        assertEquals(0.5, p[1]);
        assertEquals(0.5, p[2]);
        double[] e = new EpsilonGreedy(0.2, 0).probabilities(new double[] {1, 3, 0, 2}, null);
        assertEquals(0.8 + 0.05, e[1], 1e-15);
        assertEquals(0.05, e[0], 1e-15);
        assertNotEquals(e[0], e[1]);
    }

    @Test
    void nothingAvailableIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Exploration.greedy().decide(new double[] {1, 2}, new boolean[2], 1));
        assertThrows(IllegalArgumentException.class, () -> new Softmax(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedy(1.5, 0));
    }
}
