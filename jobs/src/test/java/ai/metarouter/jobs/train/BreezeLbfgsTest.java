package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Breeze interop on functions with known minima, and resuming from a handed-out state. */
class BreezeLbfgsTest {
    /** Rosenbrock in n dimensions: minimum 0 at (1, ..., 1). */
    private static BreezeLbfgs.Evaluation rosenbrock(double[] x) {
        double f = 0;
        double[] g = new double[x.length];
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return new BreezeLbfgs.Evaluation(f, g);
    }

    @Test
    void minimisesRosenbrock() {
        double[] x0 = {-1.2, 1.0, -1.2, 1.0};
        List<BreezeLbfgs.Iteration> its = new ArrayList<>();
        BreezeLbfgs.Result r = BreezeLbfgs.minimize(BreezeLbfgsTest::rosenbrock, x0, 500, 10, 1e-12, null, its::add);
        for (double v : r.x()) assertEquals(1.0, v, 1e-4);
        assertTrue(r.value() < 1e-8, "value " + r.value());
        assertEquals(r.iterations(), its.get(its.size() - 1).iteration());
        for (int i = 0; i < its.size(); i++) assertEquals(i + 1, its.get(i).iteration());
        assertTrue(its.stream().allMatch(it -> it.evaluations() >= 1));
    }

    @Test
    void resumeAfterAnInterruption() {
        double[] x0 = {-1.2, 1.0, 0.5};
        List<BreezeLbfgs.Iteration> full = new ArrayList<>();
        BreezeLbfgs.Result uninterrupted = BreezeLbfgs.minimize(BreezeLbfgsTest::rosenbrock, x0, 25, 5, 0.0, null, full::add);

        List<BreezeLbfgs.Iteration> first = new ArrayList<>();
        try {
            BreezeLbfgs.minimize(BreezeLbfgsTest::rosenbrock, x0, 25, 5, 0.0, null, it -> {
                first.add(it);
                if (it.iteration() == 11) throw new Killed();
            });
        } catch (Killed expected) {
            // the "kill" after iteration 11
        }
        byte[] state = first.get(first.size() - 1).state();
        List<BreezeLbfgs.Iteration> rest = new ArrayList<>();
        BreezeLbfgs.Result resumed = BreezeLbfgs.minimize(BreezeLbfgsTest::rosenbrock, null, 25, 5, 0.0, state, rest::add);
        assertArrayEquals(uninterrupted.x(), resumed.x(), 0.0);
        assertEquals(uninterrupted.value(), resumed.value(), 0.0);
        assertEquals(12, rest.get(0).iteration());
        assertEquals(full.size() - 11, rest.size());
        for (int i = 0; i < rest.size(); i++) assertArrayEquals(full.get(11 + i).x(), rest.get(i).x(), 0.0);
    }

    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
