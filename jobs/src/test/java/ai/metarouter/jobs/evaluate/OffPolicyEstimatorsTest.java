package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimators on a synthetic logging policy with known truth: over many independent logs, IPS
 * and DR (even with a wrong reward model) average to the target's true value within sampling
 * error, SNIPS is close, and the clustered SE matches the spread of the estimates.
 */
class OffPolicyEstimatorsTest {
    private static final int ARMS = 4;
    private static final int CONTEXTS = 50;
    private static final double[][] MU = new double[CONTEXTS][ARMS];
    private static final int[] TARGET = new int[CONTEXTS];

    static {
        SplittableRandom rng = new SplittableRandom(1);
        for (int x = 0; x < CONTEXTS; x++) {
            for (int a = 0; a < ARMS; a++) MU[x][a] = rng.nextDouble();
            TARGET[x] = rng.nextInt(ARMS);
        }
    }

    private static double truth() {
        double s = 0;
        for (int x = 0; x < CONTEXTS; x++) s += MU[x][TARGET[x]];
        return s / CONTEXTS;
    }

    /** One log of n events: epsilon-greedy around arm 0 with eps 0.5, reward mu + N(0, 0.3^2). */
    private static double[][] log(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] pi = new double[n];
        double[] p = new double[n];
        double[] r = new double[n];
        double[] rhat = new double[n];
        double[] dm = new double[n];
        for (int i = 0; i < n; i++) {
            int x = rng.nextInt(CONTEXTS);
            double u = rng.nextDouble();
            int a = u < 0.5 ? 0 : rng.nextInt(ARMS);
            p[i] = (a == 0 ? 0.5 : 0.0) + 0.5 / ARMS;
            pi[i] = a == TARGET[x] ? 1.0 : 0.0;
            double g1 = rng.nextDouble();
            double g2 = rng.nextDouble();
            r[i] = MU[x][a] + 0.3 * Math.sqrt(-2 * Math.log(1 - g1)) * Math.cos(2 * Math.PI * g2);
            // A deliberately wrong reward model: a constant 0.2.
            rhat[i] = 0.2;
            dm[i] = 0.2;
        }
        return new double[][] {pi, p, r, rhat, dm};
    }

    @Test
    void ipsAndDoublyRobustAreUnbiasedAndTheirSeIsRight() {
        int reps = 300;
        int n = 400;
        int[] cluster = new int[n];
        for (int i = 0; i < n; i++) cluster[i] = i;
        double[] ips = new double[reps];
        double[] dr = new double[reps];
        double[] snips = new double[reps];
        double ipsSe = 0;
        for (int rep = 0; rep < reps; rep++) {
            double[][] l = log(n, 100 + rep);
            OffPolicyEstimators.Estimate e = OffPolicyEstimators.ips(l[0], l[1], l[2], cluster);
            ips[rep] = e.value();
            ipsSe += e.se() / reps;
            dr[rep] = OffPolicyEstimators.doublyRobust(l[0], l[1], l[2], l[3], l[4], cluster).value();
            snips[rep] = OffPolicyEstimators.snips(l[0], l[1], l[2], cluster).value();
        }
        double truth = truth();
        double sdIps = Aggregation.sd(ips);
        assertTrue(Math.abs(Aggregation.mean(ips) - truth) < 4 * sdIps / Math.sqrt(reps), "IPS mean " + Aggregation.mean(ips) + " vs " + truth);
        double sdDr = Aggregation.sd(dr);
        assertTrue(Math.abs(Aggregation.mean(dr) - truth) < 4 * sdDr / Math.sqrt(reps), "DR mean " + Aggregation.mean(dr) + " vs " + truth);
        assertTrue(Math.abs(Aggregation.mean(snips) - truth) < 0.02, "SNIPS mean " + Aggregation.mean(snips) + " vs " + truth);
        assertEquals(sdIps, ipsSe, 0.2 * sdIps, "the reported SE matches the spread of the estimates");
        // The constant reward model is far off, so the direct method is biased: DR's correction is what saves it.
        assertTrue(Math.abs(0.2 - truth) > 0.2);
    }

    @Test
    void clusteredSeOfOneEventPerClusterIsTheUsualSe() {
        double[] z = {1, 2, 3, 4, 6};
        int[] cluster = {0, 1, 2, 3, 4};
        OffPolicyEstimators.Estimate e = OffPolicyEstimators.mean(z, cluster);
        assertEquals(3.2, e.value(), 1e-12);
        assertEquals(Aggregation.se(z), e.se(), 1e-12);
    }

    @Test
    void greedyTargetSplitsTies() {
        double[] pi = OffPolicyUser.greedy(new double[] {1, 3, 3});
        assertEquals(0.0, pi[0]);
        assertEquals(0.5, pi[1]);
        assertEquals(0.5, pi[2]);
    }
}
