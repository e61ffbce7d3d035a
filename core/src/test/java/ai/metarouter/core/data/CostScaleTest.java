package ai.metarouter.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CostScaleTest {
    private final ModelCatalog catalog = new ModelCatalog("test", List.of(
            new ModelInfo("cheap", null, null, 0.0001, 10),
            new ModelInfo("mid", 1.0, 2.0, 0.001, 10),
            new ModelInfo("dear", 10.0, 30.0, 0.01, 10)));

    @Test
    void cheapestMeanCostIsZeroAndDearestIsOne() {
        CostScale s = catalog.costScale();
        assertEquals(0.0, s.scale(0.0001), 1e-12);
        assertEquals(0.5, s.scale(0.001), 1e-12);
        assertEquals(1.0, s.scale(0.01), 1e-12);
        assertEquals(0.003, s.unscale(s.scale(0.003)), 1e-15);
    }

    @Test
    void zeroCostStaysFinite() {
        double cs = catalog.costScale().scale(0.0);
        assertTrue(Double.isFinite(cs) && cs < 0);
    }

    @Test
    void derivativeMatchesFiniteDifference() {
        CostScale s = catalog.costScale();
        double c = 0.0023;
        double h = 1e-9;
        double numeric = (s.scale(c + h) - s.scale(c - h)) / (2 * h);
        assertEquals(numeric, s.derivative(c), 1e-6 * Math.abs(numeric));
    }

    @Test
    void rejectsDegenerateScale() {
        assertThrows(IllegalArgumentException.class, () -> new CostScale(1.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new CostScale(Double.NaN, 1.0));
    }
}
