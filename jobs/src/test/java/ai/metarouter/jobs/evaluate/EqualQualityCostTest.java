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
}
