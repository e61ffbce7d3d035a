package ai.metarouter.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.UtilityProfile;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileDistributionTest {
    private static final CostScale SCALE = new CostScale(Math.log(1e-5), Math.log(5e-3));
    private static final ProfileDistribution DIST = new ProfileDistribution(ProfileDistribution.Config.defaults(), SCALE, 42);
    private static final int N = 20_000;

    @Test
    void drawsAreDeterministicPerSeedAndUser() {
        ProfileDistribution same = new ProfileDistribution(ProfileDistribution.Config.defaults(), SCALE, 42);
        ProfileDistribution other = new ProfileDistribution(ProfileDistribution.Config.defaults(), SCALE, 43);
        for (UserSplit split : UserSplit.values()) {
            for (int i = 0; i < 50; i++) {
                String id = ProfileDistribution.userId(split, i);
                assertEquals(DIST.draw(id, split), same.draw(id, split));
            }
            String u = ProfileDistribution.userId(split, 1);
            assertNotEquals(DIST.draw(u, split), other.draw(u, split));
            assertNotEquals(DIST.draw(u, split), DIST.draw(ProfileDistribution.userId(split, 2), split));
        }
    }

    @Test
    void userIdsNameTheSplitAndSortByIndex() {
        assertEquals("id-000000042", ProfileDistribution.userId(UserSplit.ID, 42));
        assertEquals("ood-000000007", ProfileDistribution.userId(UserSplit.OOD, 7));
        assertTrue(ProfileDistribution.userId(UserSplit.ID, 9).compareTo(ProfileDistribution.userId(UserSplit.ID, 10)) < 0);
    }

    @Test
    void inDistributionUsersAreLinearWithLogUniformLambda() {
        double lo = 0.1, hi = 1.5, geometricMid = Math.sqrt(lo * hi);
        int below = 0;
        for (int i = 0; i < N; i++) {
            SimulatedUser u = DIST.draw(ProfileDistribution.userId(UserSplit.ID, i), UserSplit.ID);
            assertTrue(u.profile() instanceof UtilityProfile.Linear, u.toString());
            double lambda = u.profile().lambda();
            assertTrue(lambda >= lo && lambda <= hi, "lambda " + lambda);
            assertTrue(DIST.inDistribution(u.profile()));
            if (lambda < geometricMid) below++;
        }
        // Log-uniform: half the mass below the geometric midpoint (binomial sd = 0.0035).
        assertEquals(0.5, below / (double) N, 0.015);
    }

    @Test
    void outOfDistributionUsersFollowTheMixtureAndStayOutsideTheIdRange() {
        Map<String, Integer> counts = new HashMap<>();
        int linearLow = 0, linearHigh = 0;
        for (int i = 0; i < N; i++) {
            SimulatedUser u = DIST.draw(ProfileDistribution.userId(UserSplit.OOD, i), UserSplit.OOD);
            UtilityProfile p = u.profile();
            assertFalse(DIST.inDistribution(p), p.toString());
            counts.merge(p.family(), 1, Integer::sum);
            if (p instanceof UtilityProfile.Linear l) {
                if (l.lambda() < 0.1) linearLow++;
                else if (l.lambda() > 1.5) linearHigh++;
            } else if (p instanceof UtilityProfile.Budget b) {
                double cs = SCALE.scale(b.budgetUsd());
                assertTrue(cs >= 0.2 - 1e-9 && cs <= 0.8 + 1e-9, "budget at " + cs + " of the cost scale");
            } else if (p instanceof UtilityProfile.QualityFloor f) {
                assertTrue(f.floor() >= 0.7 && f.floor() <= 0.9);
            } else if (p instanceof UtilityProfile.Concave c) {
                assertTrue(c.exponent() >= 0.2 && c.exponent() <= 0.6);
            } else if (p instanceof UtilityProfile.Threshold t) {
                assertTrue(t.threshold() >= 0.5 && t.threshold() <= 0.9);
            }
        }
        // Default weights 0.15, 0.15, 0.2, 0.2, 0.15, 0.15; binomial sd <= 0.003 at N = 20000.
        assertEquals(0.15, linearLow / (double) N, 0.015);
        assertEquals(0.15, linearHigh / (double) N, 0.015);
        assertEquals(0.30, counts.get("linear") / (double) N, 0.015);
        assertEquals(0.20, counts.get("budget") / (double) N, 0.015);
        assertEquals(0.20, counts.get("quality_floor") / (double) N, 0.015);
        assertEquals(0.15, counts.get("concave") / (double) N, 0.015);
        assertEquals(0.15, counts.get("threshold") / (double) N, 0.015);
    }

    @Test
    void mixtureWeightsAreHonoured() {
        ProfileDistribution onlyBudget = new ProfileDistribution(ProfileDistribution.Config.defaults()
                .withOodWeights(0, 0, 1, 0, 0, 0), SCALE, 1);
        for (int i = 0; i < 200; i++) {
            assertEquals("budget", onlyBudget.draw("u" + i, UserSplit.OOD).profile().family());
        }
        assertThrows(IllegalArgumentException.class, () -> ProfileDistribution.Config.defaults().withOodWeights(0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ProfileDistribution.Config.defaults().withOodWeights(1, 1));
        assertThrows(IllegalArgumentException.class, () -> ProfileDistribution.Config.defaults().withLambdaRange(1.0, 0.5));
    }

    @Test
    void betaIsLogNormalAroundTheMedian() {
        double[] betas = new double[N];
        for (int i = 0; i < N; i++) betas[i] = DIST.draw("u" + i, UserSplit.ID).beta();
        Arrays.sort(betas);
        assertEquals(10.0, betas[N / 2], 0.3);
        // ln(beta) has sd 0.3: the 84th percentile sits near 10 * e^0.3.
        assertEquals(10.0 * Math.exp(0.3), betas[(int) (N * 0.8413)], 0.4);
    }

    @Test
    void profileColumnsRoundTripEveryFamily() {
        List<UtilityProfile> all = List.of(new UtilityProfile.Linear(0.4), new UtilityProfile.Budget(1e-3, 0.05),
                new UtilityProfile.QualityFloor(0.8, 0.7), new UtilityProfile.Concave(0.3, 0.2),
                new UtilityProfile.Threshold(0.6, 1.1));
        for (UtilityProfile p : all) {
            ProfileColumns c = ProfileColumns.of(p);
            assertEquals(p.family(), c.family());
            assertEquals(p, c.toProfile());
        }
        ProfileColumns linear = ProfileColumns.of(new UtilityProfile.Linear(0.4));
        assertEquals(null, linear.budgetUsd());
        assertEquals(null, linear.qualityFloor());
        assertEquals(null, linear.exponent());
        assertEquals(null, linear.threshold());
    }
}
