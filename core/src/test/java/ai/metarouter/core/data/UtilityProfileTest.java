package ai.metarouter.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UtilityProfileTest {
    private final CostScale scale = new CostScale(Math.log(1e-4), Math.log(1e-2));

    @Test
    void linearTradesQualityAgainstNormalisedCost() {
        UtilityProfile p = new UtilityProfile.Linear(0.5);
        assertEquals(0.9 - 0.5 * 0.5, p.utility(0.9, 1e-3, scale), 1e-12);
        // A cost-averse user prefers the cheap, slightly worse answer; a quality-first user does not.
        UtilityProfile averse = new UtilityProfile.Linear(1.5);
        UtilityProfile keen = new UtilityProfile.Linear(0.05);
        assertTrue(averse.utility(0.7, 1e-4, scale) > averse.utility(0.9, 1e-2, scale));
        assertTrue(keen.utility(0.7, 1e-4, scale) < keen.utility(0.9, 1e-2, scale));
    }

    @Test
    void budgetPenalisesOnlyAboveBudget() {
        UtilityProfile p = new UtilityProfile.Budget(2e-3, 0.1);
        assertEquals(1.0, p.utility(1.0, 2e-3, scale) - p.utility(1.0, 2.0001e-3, scale), 1e-3);
    }

    @Test
    void qualityFloorIsCheapestAboveTheFloor() {
        UtilityProfile p = new UtilityProfile.QualityFloor(0.8, 1.0);
        assertTrue(p.utility(0.85, 1e-4, scale) > p.utility(0.99, 1e-2, scale));
        assertTrue(p.utility(0.85, 1e-2, scale) > p.utility(0.5, 1e-4, scale));
    }

    @Test
    void columnsRoundTripForEveryFamily() {
        List<UtilityProfile> all = List.of(new UtilityProfile.Linear(0.3), new UtilityProfile.Budget(0.001, 0.2),
                new UtilityProfile.QualityFloor(0.8, 1.0), new UtilityProfile.Concave(0.5, 0.4),
                new UtilityProfile.Threshold(0.6, 0.3));
        for (UtilityProfile p : all) {
            Double budget = p instanceof UtilityProfile.Budget b ? b.budgetUsd() : null;
            Double floor = p instanceof UtilityProfile.QualityFloor f ? f.floor() : null;
            Double exponent = p instanceof UtilityProfile.Concave c ? c.exponent() : null;
            Double threshold = p instanceof UtilityProfile.Threshold t ? t.threshold() : null;
            assertEquals(p, UtilityProfile.fromColumns(p.family(), p.lambda(), budget, floor, exponent, threshold));
        }
        assertThrows(IllegalArgumentException.class, () -> UtilityProfile.fromColumns("budget", 0.1, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> UtilityProfile.fromColumns("nope", 0.1, null, null, null, null));
    }
}
