package ai.metarouter.core.learn;

import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small random user tasks for gradient and determinism tests. */
final class Fixtures {
    private Fixtures() {}

    /** A random quality in [0, 1] and a normalised cost in [-0.2, 1.2], kept away from the basis knots. */
    static double[] outcome(SplittableRandom rng) {
        return new double[] {awayFromKnots(rng, 0.0, 1.0), awayFromKnots(rng, -0.2, 1.2)};
    }

    private static double awayFromKnots(SplittableRandom rng, double lo, double hi) {
        while (true) {
            double x = lo + (hi - lo) * rng.nextDouble();
            boolean near = false;
            for (double k : new double[] {0.25, 0.5, 0.75, 0.8}) near |= Math.abs(x - k) < 0.02;
            if (!near) return x;
        }
    }

    /** A time-ordered random mix of comparisons, rewards and route events (with and without rewards). */
    static UserTask randomTask(String userId, int events, UtilityBasis basis, SplittableRandom rng) {
        int d = basis.dimension();
        List<TaskEvent> out = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            double u = rng.nextDouble();
            if (u < 0.4) {
                double[] a = outcome(rng);
                double[] b = outcome(rng);
                out.add(new TaskEvent.Pair(a[0], a[1], b[0], b[1]));
            } else if (u < 0.55) {
                double[] a = outcome(rng);
                out.add(new TaskEvent.Reward(a[0], a[1], a[0] - 0.5 * a[1] + 0.1 * MetaParameters.nextGaussian(rng)));
            } else {
                int n = 2 + rng.nextInt(5);
                double[] psi = new double[n * d];
                for (int i = 0; i < n; i++) {
                    double[] o = outcome(rng);
                    basis.value(o[0], o[1], psi, i * d);
                }
                int chosen = rng.nextInt(n);
                boolean rewarded = rng.nextDouble() < 0.8;
                double[] obs = outcome(rng);
                out.add(new TaskEvent.Route(psi, n, chosen, 1.0 / n, rewarded ? obs[0] - 0.4 * obs[1] : Double.NaN,
                        obs[0], obs[1]));
            }
        }
        return new UserTask(userId, d, out, 0);
    }

    /** Initial parameters with every block perturbed, so no gradient is accidentally zero. */
    static double[] randomParameters(MetaParameters init, SplittableRandom rng, double scale) {
        double[] p = init.toArray();
        for (int i = 0; i < p.length; i++) p[i] += scale * MetaParameters.nextGaussian(rng);
        return p;
    }
}
