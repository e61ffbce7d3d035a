package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PGC and its standard errors on hand-made per-user figures. */
class AggregationTest {
    private static final int POP = 0;
    private static final int KNOWN = 1;
    private static final int ORACLE = 2;
    private static final int MR = 3;

    private static UserResult user(String id, double pop, double known, double oracle, double mr) {
        double[] u = {pop, known, oracle, mr};
        return new UserResult(id, "id", "linear", u, u.clone(), u.clone());
    }

    @Test
    void pgcIsTheRatioOfPairedMeans() {
        List<UserResult> us = List.of(user("a", 0.0, 1.0, 2.0, 0.5), user("b", 1.0, 1.5, 2.0, 1.5), user("c", 0.5, 1.0, 1.0, 0.5));
        Aggregation.Cell c = Aggregation.cell(us, MR, POP, KNOWN, ORACLE, 0, 1L);
        // mean(mr - pop) = (0.5 + 0.5 + 0)/3, mean(known - pop) = (1 + 0.5 + 0.5)/3.
        assertEquals(0.5, c.pgc(), 1e-12);
        assertEquals((0.5 + 1.5 + 0.5) / (2.0 + 2.0 + 1.0), c.oracleShare(), 1e-12);
        assertEquals(2.0 / 3, c.gap(), 1e-12);
        assertEquals(3, c.n());
    }

    @Test
    void deltaMethodAgreesWithTheBootstrap() {
        SplittableRandom rng = new SplittableRandom(5);
        List<UserResult> us = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double pop = rng.nextDouble();
            double gap = 0.05 + 0.1 * rng.nextDouble();
            us.add(user("u" + i, pop, pop + gap, pop + 0.5, pop + 0.7 * gap + 0.05 * (rng.nextDouble() - 0.5)));
        }
        Aggregation.Cell c = Aggregation.cell(us, MR, POP, KNOWN, ORACLE, 400, 9L);
        assertEquals(0.7, c.pgc(), 0.02);
        assertEquals(c.pgcSe(), c.pgcBootstrapSe(), 0.25 * c.pgcSe());
    }
}
