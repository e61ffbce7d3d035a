package ai.metarouter.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.metarouter.core.learn.InnerLoop;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreferencePosteriorTest {
    @Test
    void covarianceIsTheInverseOfThePrecision() {
        SplittableRandom rng = new SplittableRandom(11);
        int d = 6;
        double[] a = new double[d * d];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextDouble(-1, 1);
        double[] precision = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = i == j ? 0.5 : 0.0;
                for (int k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k];
                precision[i * d + j] = s;
            }
        }
        double[] copy = precision.clone();
        PreferencePosterior p = PreferencePosterior.fromPrecision(new double[d], precision);
        assertArrayEquals(copy, precision, 0.0, "the precision is not modified");
        double[] cov = p.covariance();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += cov[i * d + k] * precision[k * d + j];
                assertEquals(i == j ? 1.0 : 0.0, s, 1e-10);
                assertEquals(cov[i * d + j], cov[j * d + i], 0.0);
            }
        }
        double[] v = new double[d];
        for (int j = 0; j < d; j++) v[j] = rng.nextDouble(-1, 1);
        double direct = 0;
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) direct += v[i] * cov[i * d + j] * v[j];
        assertEquals(direct, p.variance(v, 0), 1e-12);
    }

    @Test
    void choleskySolveAgreesWithTheCovariance() {
        double[] precision = {4, 1, 1, 3};
        double[] b = {1, 2};
        double[] m = precision.clone();
        InnerLoop.choleskySolve(m, b, 2);
        PreferencePosterior p = PreferencePosterior.fromPrecision(new double[2], precision);
        double[] cov = p.covariance();
        assertEquals(cov[0] * 1 + cov[1] * 2, b[0], 1e-14);
        assertEquals(cov[2] * 1 + cov[3] * 2, b[1], 1e-14);
    }
}
