package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.model.MetaParameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientAccumulatorTest {
    private static final int SIZE = 40;

    private static List<UserGradient> randomGradients(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<UserGradient> out = new ArrayList<>();
        for (int u = 0; u < n; u++) {
            double[] g = new double[SIZE];
            // Mixed magnitudes and signs: the regime where naive summation depends on order.
            double scale = Math.pow(10, rng.nextInt(9) - 4);
            for (int i = 0; i < SIZE; i++) g[i] = scale * MetaParameters.nextGaussian(rng);
            out.add(new UserGradient(scale * rng.nextDouble(), g, rng.nextInt(10), rng.nextInt(20), rng.nextInt(20),
                    rng.nextDouble(), rng.nextDouble(), -rng.nextDouble()));
        }
        return out;
    }

    private static double maxRelativeDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
            if (scale > 0) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
        }
        return worst;
    }

    @Test
    void anyGroupingOfMergesEqualsOnePass() {
        List<UserGradient> gs = randomGradients(7, 500);
        SplittableRandom rng = new SplittableRandom(99);
        double[] weights = new double[gs.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = 0.5 + rng.nextDouble();
        GradientAccumulator onePass = new GradientAccumulator(SIZE);
        for (int i = 0; i < gs.size(); i++) onePass.add(gs.get(i), weights[i]);

        double worst = 0;
        for (int trial = 0; trial < 20; trial++) {
            // Random order, random partitions, merged in a random tree.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < gs.size(); i++) order.add(i);
            Collections.shuffle(order, new java.util.Random(trial));
            List<GradientAccumulator> parts = new ArrayList<>();
            int i = 0;
            while (i < order.size()) {
                int len = 1 + rng.nextInt(60);
                GradientAccumulator part = new GradientAccumulator(SIZE);
                for (int j = i; j < Math.min(order.size(), i + len); j++) part.add(gs.get(order.get(j)), weights[order.get(j)]);
                parts.add(part);
                i += len;
            }
            while (parts.size() > 1) {
                int a = rng.nextInt(parts.size());
                GradientAccumulator left = parts.remove(a);
                int b = rng.nextInt(parts.size());
                parts.set(b, left.merge(parts.get(b)));
            }
            GradientAccumulator merged = parts.get(0);
            assertEquals(onePass.users(), merged.users());
            assertEquals(onePass.events(), merged.events());
            worst = Math.max(worst, maxRelativeDifference(onePass.gradientSum(), merged.gradientSum()));
            worst = Math.max(worst, maxRelativeDifference(new double[] {onePass.lossSum(), onePass.weight(), onePass.meanIpsValue()},
                    new double[] {merged.lossSum(), merged.weight(), merged.meanIpsValue()}));
        }
        System.out.printf(Locale.ROOT, "accumulator: worst relative difference over 20 groupings = %.3e%n", worst);
        assertTrue(worst < 1e-12, "merge grouping changed the sum by " + worst);
    }

    @Test
    void emptyUsersAreCountedButAddNothing() {
        GradientAccumulator acc = new GradientAccumulator(SIZE);
        acc.add(UserGradient.empty(), 1.0);
        acc.add(randomGradients(1, 1).get(0), 2.0);
        assertEquals(1, acc.users());
        assertEquals(1, acc.skippedUsers());
        assertEquals(2.0, acc.weight());
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        GradientAccumulator acc = new GradientAccumulator(SIZE);
        for (UserGradient g : randomGradients(3, 10)) acc.add(g, 1.0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(acc);
        }
        GradientAccumulator back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (GradientAccumulator) in.readObject();
        }
        assertEquals(0.0, maxRelativeDifference(acc.gradientSum(), back.gradientSum()));
        assertEquals(acc.users(), back.users());
    }
}
