package ai.metarouter.core.learn;

import java.util.function.ToDoubleFunction;

/** Central finite differences and the relative error used by every gradient test. */
final class GradientCheck {
    private GradientCheck() {}

    /** Central-difference gradient of f at x over the coordinates [from, to). */
    static double[] numeric(ToDoubleFunction<double[]> f, double[] x, int from, int to, double h) {
        double[] g = new double[x.length];
        double[] y = x.clone();
        for (int i = from; i < to; i++) {
            double xi = y[i];
            y[i] = xi + h;
            double fp = f.applyAsDouble(y);
            y[i] = xi - h;
            double fm = f.applyAsDouble(y);
            y[i] = xi;
            g[i] = (fp - fm) / (2 * h);
        }
        return g;
    }

    static double[] numeric(ToDoubleFunction<double[]> f, double[] x, double h) {
        return numeric(f, x, 0, x.length, h);
    }

    /** ||a - b|| / max(||a||, ||b||) over [from, to); 0 when both are 0. */
    static double relativeError(double[] a, double[] b, int from, int to) {
        double diff = 0;
        double na = 0;
        double nb = 0;
        for (int i = from; i < to; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        double scale = Math.sqrt(Math.max(na, nb));
        return scale == 0 ? 0 : Math.sqrt(diff) / scale;
    }

    static double relativeError(double[] a, double[] b) {
        return relativeError(a, b, 0, a.length);
    }

    static double norm(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += a[i] * a[i];
        return Math.sqrt(s);
    }
}
