package ai.metarouter.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeTableTest {
    private OutcomeTable table() {
        return OutcomeTable.builder(List.of("m1", "m2"))
                .addQuery(new QueryRecord("q1", "qa", "what", "train"))
                .addQuery(new QueryRecord("q2", "code", "write", "test"))
                .set("q1", "m1", 1.0, 0.1).set("q1", "m2", 0.0, 0.2).set("q2", "m2", 0.5, 0.3)
                .build();
    }

    @Test
    void cellsSplitsAndModelSubsets() {
        OutcomeTable t = table();
        assertFalse(t.has(1, 0));
        assertEquals(0.5, t.quality(1, 1));
        assertEquals(0.1, t.meanCost(0), 1e-15);
        OutcomeTable test = t.split("test");
        assertEquals(1, test.numQueries());
        assertEquals(0.3, test.cost(0, 1));
        OutcomeTable swapped = t.withModels(List.of("m2", "m1"));
        assertEquals(0.2, swapped.cost(0, 0));
        assertTrue(Double.isNaN(swapped.quality(1, 1)));
        assertEquals(0.25, t.meanQuality(1), 1e-12);
    }

    @Test
    void rejectsDoubleSetsAndBadValues() {
        OutcomeTable.Builder b = OutcomeTable.builder(List.of("m1")).addQuery(new QueryRecord("q", "t", "p", "train"));
        b.set("q", "m1", 1.0, 0.1);
        assertThrows(IllegalArgumentException.class, () -> b.set("q", "m1", 1.0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> b.set("q", "nope", 1.0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> OutcomeTable.builder(List.of("m1"))
                .addQuery(new QueryRecord("q", "t", "p", "train")).set("q", "m1", 1.2, 0.1));
    }
}
