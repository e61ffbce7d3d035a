package ai.metarouter.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pass/fail outcome tables get a utility basis linear in quality; graded ones keep the knots. */
class BinaryQualityBasisTest {
    private static OutcomeTable table(double... qualities) {
        OutcomeTable.Builder b = OutcomeTable.builder(List.of("m1", "m2"));
        for (int i = 0; i < qualities.length / 2; i++) {
            b.addQuery(new QueryRecord("q" + i, "t", "prompt " + i, "train"));
            b.set("q" + i, "m1", qualities[2 * i], 0.01);
            b.set("q" + i, "m2", qualities[2 * i + 1], 0.001);
        }
        return b.build();
    }

    @Test
    void detectsPassFailQuality() {
        assertTrue(table(0, 1, 1, 1, 0, 0).binaryQuality());
        assertFalse(table(0, 1, 0.5, 1).binaryQuality());
    }

    @Test
    void binaryBasisDropsOnlyTheQualityKnots() {
        UtilityBasis full = UtilityBasis.defaults();
        UtilityBasis binary = full.forBinaryQuality();
        assertEquals(full.dimension() - full.qualityKnots().length, binary.dimension());
        assertArrayEquals(full.costKnots(), binary.costKnots());
        assertEquals(0, binary.qualityKnots().length);
        assertSame(binary, binary.forBinaryQuality());
        // Linear in q: the score at a pass probability is the expected score over the pass/fail outcome.
        double[] theta = {3.0, -2.0, 0.5, -0.25, 1.0};
        double p = 0.37;
        double cs = 0.6;
        double expected = p * binary.utility(theta, 0, 1.0, cs) + (1 - p) * binary.utility(theta, 0, 0.0, cs);
        assertEquals(expected, binary.utility(theta, 0, p, cs), 1e-12);
    }
}
