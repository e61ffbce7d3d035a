package ai.metarouter.core.elicit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.model.PreferencePosterior;
import ai.metarouter.core.model.UtilityBasis;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonPlannerTest {
    private static final UtilityBasis BASIS = UtilityBasis.defaults().forBinaryQuality();
    private static final CostScale SCALE = new CostScale(Math.log(1e-5), Math.log(1e-1));

    private static double sigmoid(double t) {
        return 1.0 / (1.0 + Math.exp(-t));
    }

    private static double h(double p) {
        return p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
    }

    /** I(y; f) for y ~ Bernoulli(sigmoid(f)), f ~ N(m, s2), by the trapezoid rule on a fine grid. */
    private static double exactInformation(double m, double s2) {
        double s = Math.sqrt(s2);
        int n = 20001;
        double lo = -10, hi = 10, dt = (hi - lo) / (n - 1);
        double pBar = 0, eH = 0, wSum = 0;
        for (int i = 0; i < n; i++) {
            double t = lo + i * dt;
            double w = Math.exp(-0.5 * t * t) * ((i == 0 || i == n - 1) ? 0.5 : 1.0);
            double p = sigmoid(m + s * t);
            pBar += w * p;
            eH += w * h(p);
            wSum += w;
        }
        return h(pBar / wSum) - eH / wSum;
    }

    @Test
    void informationMatchesNumericalIntegrationOfTheLogisticModel() {
        double worst = 0;
        for (double m : new double[] {-4, -1.5, -0.3, 0, 0.7, 2, 5}) {
            for (double s2 : new double[] {0.01, 0.3, 1, 4, 25}) {
                double approx = ComparisonPlanner.information(m, s2);
                double exact = exactInformation(m, s2);
                worst = Math.max(worst, Math.abs(approx - exact));
                // The probit approximation (as in Houlsby et al.): within 12% (+0.005 bits) over this range,
                // the worst in the tails (|m| 4); a ranking criterion needs no more.
                assertEquals(exact, approx, 0.12 * exact + 0.005, "m " + m + " s2 " + s2);
            }
        }
        assertTrue(worst > 0, "the approximation is not the integral");
    }

    @Test
    void informationIsZeroWithoutUncertaintyAndGrowsWithIt() {
        assertEquals(0.0, ComparisonPlanner.information(0.3, 0.0), 1e-12);
        assertEquals(ComparisonPlanner.information(1.2, 2.0), ComparisonPlanner.information(-1.2, 2.0), 1e-15);
        double prev = -1;
        for (double s2 : new double[] {0.1, 0.5, 2, 8, 32}) {
            double i = ComparisonPlanner.information(0.5, s2);
            assertTrue(i > prev, "information should grow with the variance: " + i + " after " + prev);
            prev = i;
        }
        // A predictable answer (|mean| large next to the spread) carries less information.
        assertTrue(ComparisonPlanner.information(0.0, 1.0) > ComparisonPlanner.information(4.0, 1.0));
    }

    @Test
    void normalCdfIsAccurate() {
        assertEquals(0.5, ComparisonPlanner.normalCdf(0), 1e-9);
        assertEquals(0.841344746, ComparisonPlanner.normalCdf(1), 2e-7);
        assertEquals(0.022750132, ComparisonPlanner.normalCdf(-2), 2e-7);
    }

    @Test
    void binaryCandidatesWeighTheFourOutcomePairs() {
        ComparisonPlanner.Candidate c = ComparisonPlanner.candidate(BASIS, SCALE, true, 0.9, 0.01, 0.4, 0.0001);
        assertEquals(4, c.scenarios());
        double[] w = c.weights();
        assertEquals(1.0, w[0] + w[1] + w[2] + w[3], 1e-15);
        assertEquals(0.1 * 0.6, w[0], 1e-15); // a fails, b fails
        assertEquals(0.9 * 0.4, w[3], 1e-15); // both pass
        int d = BASIS.dimension();
        double[] both = java.util.Arrays.copyOfRange(c.differences(), 3 * d, 4 * d);
        assertEquals(0.0, both[UtilityBasis.qualityIndex()], 0.0, "both pass: no quality difference");
        assertEquals(SCALE.scale(0.01) - SCALE.scale(0.0001), both[UtilityBasis.costIndex()], 1e-15);
        // A certain outcome collapses to one scenario.
        assertEquals(1, ComparisonPlanner.candidate(BASIS, SCALE, true, 1.0, 0.01, 0.0, 0.001).scenarios());
        assertEquals(1, ComparisonPlanner.candidate(BASIS, SCALE, false, 0.7, 0.01, 0.6, 0.001).scenarios());
        assertThrows(IllegalArgumentException.class, () -> ComparisonPlanner.candidate(BASIS, SCALE, true, Double.NaN, 0.01, 0.5, 0.01));
    }

    /** A user who values quality at 1 and cost at -1 per unit of cost scale, somewhat uncertain. */
    private static PreferencePosterior qualityMinusCost() {
        int d = BASIS.dimension();
        double[] cov = new double[d * d];
        for (int j = 0; j < d; j++) cov[j * d + j] = 0.05;
        double[] mean = new double[d];
        mean[UtilityBasis.qualityIndex()] = 1.0;
        mean[UtilityBasis.costIndex()] = -1.0;
        return new PreferencePosterior(mean, cov);
    }

    @Test
    void choosesTheComparisonTheRouterCannotPredict() {
        PreferencePosterior post = qualityMinusCost();
        ComparisonPlanner.Candidate same = ComparisonPlanner.candidate(BASIS, SCALE, false, 0.5, 0.001, 0.5, 0.001);
        // Far better and far cheaper: the answer is predictable.
        ComparisonPlanner.Candidate obvious = ComparisonPlanner.candidate(BASIS, SCALE, false, 1.0, 0.00001, 0.0, 0.1);
        // Far better and far dearer, by as much as the quality is worth to this user: the same
        // spread as the obvious one (a mirror image of its v), but the answer is a coin flip.
        ComparisonPlanner.Candidate boundary = ComparisonPlanner.candidate(BASIS, SCALE, false, 1.0, 0.1, 0.0, 0.00001);
        assertEquals(0.0, ComparisonPlanner.expectedInformation(post, same), 1e-15);
        ComparisonPlanner.Choice choice = ComparisonPlanner.choose(post, List.of(same, obvious, boundary));
        assertEquals(2, choice.index());
        assertTrue(choice.information() > ComparisonPlanner.expectedInformation(post, obvious));
        assertEquals(-1, ComparisonPlanner.choose(post, List.of()).index());
    }

    @Test
    void mostInformativeSearchesEveryQueryAndPairAndKeepsTheFirstOfEquals() {
        PreferencePosterior post = qualityMinusCost();
        // Two queries x three arms; query 1 repeats query 0's predictions, so every pair ties with its copy.
        double[] q = {0.9, 0.5, 0.2, 0.9, 0.5, 0.2};
        double[] c = {0.05, 0.001, 0.00002, 0.05, 0.001, 0.00002};
        ComparisonPlanner.Question best = ComparisonPlanner.mostInformative(post, BASIS, SCALE, true, 2, 3, q, c,
                ComparisonPlanner.Asked.NONE).orElseThrow();
        double bestInfo = -1;
        int[] expected = null;
        for (int a = 0; a < 3; a++) {
            for (int b = a + 1; b < 3; b++) {
                double info = ComparisonPlanner.expectedInformation(post, ComparisonPlanner.candidate(BASIS, SCALE, true, q[a], c[a], q[b], c[b]));
                if (info > bestInfo) {
                    bestInfo = info;
                    expected = new int[] {a, b};
                }
            }
        }
        assertEquals(new ComparisonPlanner.Question(0, expected[0], expected[1], bestInfo), best, "the first of equals: query 0");
        int[] first = expected;
        ComparisonPlanner.Question next = ComparisonPlanner.mostInformative(post, BASIS, SCALE, true, 2, 3, q, c,
                (query, a, b) -> query == 0 && a == first[0] && b == first[1]).orElseThrow();
        assertEquals(new ComparisonPlanner.Question(1, first[0], first[1], bestInfo), next, "asked on query 0: its copy on query 1");
        // An arm without a prediction takes part in no comparison.
        double[] unknown = q.clone();
        unknown[first[0]] = Double.NaN;
        unknown[3 + first[0]] = Double.NaN;
        ComparisonPlanner.Question without = ComparisonPlanner.mostInformative(post, BASIS, SCALE, true, 2, 3, unknown, c,
                ComparisonPlanner.Asked.NONE).orElseThrow();
        assertTrue(without.a() != first[0] && without.b() != first[0], without.toString());
        assertTrue(ComparisonPlanner.mostInformative(post, BASIS, SCALE, true, 2, 3, q, c, (query, a, b) -> true).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ComparisonPlanner.mostInformative(post, BASIS, SCALE, true, 2, 2, q, c,
                ComparisonPlanner.Asked.NONE));
    }
}
