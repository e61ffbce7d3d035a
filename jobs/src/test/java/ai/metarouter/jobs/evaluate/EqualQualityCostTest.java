package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EqualQualityCostTest {
    // cheap/weak, mid, dear/strong, and one dominated model (dearer than a mix of cheap and dear).
    private static final List<EqualQualityCost.ArmPoint> POINTS = List.of(
            new EqualQualityCost.ArmPoint("cheap", 0.5, 0.001),
            new EqualQualityCost.ArmPoint("mid", 0.7, 0.002),
            new EqualQualityCost.ArmPoint("dear", 0.9, 0.010),
            new EqualQualityCost.ArmPoint("dominated", 0.6, 0.009));

    @Test
    void frontierIsTheLowerHullOfTheModelsPoints() {
        assertEquals(0.001, EqualQualityCost.frontierCost(POINTS, 0.5), 1e-15);
        assertEquals(0.001, EqualQualityCost.frontierCost(POINTS, 0.3), 1e-15, "below the weakest model: the cheapest model that reaches it");
        // Between cheap and mid: halfway in quality is halfway in cost (the dominated model is never used).
        assertEquals(0.0015, EqualQualityCost.frontierCost(POINTS, 0.6), 1e-15);
        assertEquals(0.002, EqualQualityCost.frontierCost(POINTS, 0.7), 1e-15);
        assertEquals(0.006, EqualQualityCost.frontierCost(POINTS, 0.8), 1e-15);
        assertEquals(0.010, EqualQualityCost.frontierCost(POINTS, 0.9), 1e-15);
        assertTrue(Double.isNaN(EqualQualityCost.frontierCost(POINTS, 0.95)), "no mix of models reaches it");
    }

    @Test
    void savingIsTheShareOfTheFrontiersCost() {
        assertEquals(0.5, EqualQualityCost.saving(POINTS, 0.8, 0.003), 1e-12);
        assertEquals(-1.0, EqualQualityCost.saving(POINTS, 0.7, 0.004), 1e-12);
        assertTrue(Double.isNaN(EqualQualityCost.saving(POINTS, 0.95, 0.001)));
    }

    @Test
    void perUserSavingComparesEachUserWithTheFrontierAtTheirQuality() {
        // Slot 0: user a at quality 0.8 paying 0.003 (frontier 0.006), user b at 0.6 paying 0.0015 (frontier 0.0015),
        // user c beyond every single model (0.95), user d not scored in this slot.
        List<UserResult> users = List.of(
                new UserResult("a", "id", "linear", new double[] {1}, new double[] {0.8}, new double[] {0.003}),
                new UserResult("b", "id", "linear", new double[] {1}, new double[] {0.6}, new double[] {0.0015}),
                new UserResult("c", "id", "linear", new double[] {1}, new double[] {0.95}, new double[] {0.02}),
                new UserResult("d", "id", "linear", new double[] {Double.NaN}, new double[] {Double.NaN}, new double[] {Double.NaN}));
        EqualQualityCost.Saving s = EqualQualityCost.saving(POINTS, users, 0);
        assertEquals(2, s.users());
        assertEquals(1, s.beyondFrontier());
        assertEquals((0.003 + 0.0015) / 2, s.costUsd(), 1e-15);
        assertEquals((0.006 + 0.0015) / 2, s.frontierCostUsd(), 1e-15);
        assertEquals(1 - 0.0045 / 0.0075, s.saving(), 1e-12);
        assertTrue(s.savingSe() > 0);
        // Comparing split means instead would have charged the two users' heterogeneity: the frontier at their mean
        // quality 0.7 is 0.002, so (0.00225 / 0.002) would call the same routing 12.5% dearer.
        assertEquals(0.002, EqualQualityCost.frontierCost(POINTS, 0.7), 1e-15);
    }
}
