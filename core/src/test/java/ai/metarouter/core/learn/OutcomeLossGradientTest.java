package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finite-difference checks of the outcome predictor's quality loss and of the utility basis derivatives. */
class OutcomeLossGradientTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void qualityLossGradient(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int dim = 32;
        int rank = 3;
        int arms = 4;
        int queries = 7;
        List<QueryFeatures> x = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            int nnz = 2 + rng.nextInt(6);
            int[] idx = rng.ints(nnz * 3L, 0, dim).distinct().limit(nnz).sorted().toArray();
            double[] val = new double[idx.length];
            for (int k = 0; k < val.length; k++) val[k] = MetaParameters.nextGaussian(rng);
            x.add(new QueryFeatures(idx, val, 5 + i, 30));
        }
        double[] quality = new double[queries * arms];
        for (int i = 0; i < quality.length; i++) quality[i] = rng.nextDouble() < 0.15 ? Double.NaN : rng.nextDouble();
        OutcomePredictorTrainer.QualityObjective obj = new OutcomePredictorTrainer.QualityObjective(x, quality, arms, dim, rank, 0.03, 0.02);
        double[] p = new double[obj.size()];
        for (int i = 0; i < p.length; i++) p[i] = 0.5 * MetaParameters.nextGaussian(rng);
        int[] order = {6, 0, 3, 2, 5};
        double[] g = new double[p.length];
        obj.lossAndGradient(p, order, 0, order.length, g);
        double[] scratch = new double[p.length];
        double[] fd = GradientCheck.numeric(q -> obj.lossAndGradient(q, order, 0, order.length, scratch), p, 1e-5);
        double err = GradientCheck.relativeError(g, fd);
        System.out.printf(Locale.ROOT, "gradcheck %-44s seed=%d relErr=%.3e%n", "outcome predictor quality loss", seed, err);
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6, 7})
    void basisDerivatives(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        UtilityBasis basis = UtilityBasis.defaults();
        int d = basis.dimension();
        for (int trial = 0; trial < 20; trial++) {
            double[] o = Fixtures.outcome(rng);
            double q = o[0];
            double cs = o[1];
            double[] dq = new double[d];
            double[] dc = new double[d];
            basis.derivativeQuality(q, cs, dq, 0);
            basis.derivativeCost(q, cs, dc, 0);
            double h = 1e-6;
            double[] fdq = new double[d];
            double[] fdc = new double[d];
            double[] plus = basis.value(q + h, cs);
            double[] minus = basis.value(q - h, cs);
            for (int j = 0; j < d; j++) fdq[j] = (plus[j] - minus[j]) / (2 * h);
            plus = basis.value(q, cs + h);
            minus = basis.value(q, cs - h);
            for (int j = 0; j < d; j++) fdc[j] = (plus[j] - minus[j]) / (2 * h);
            double err = Math.max(GradientCheck.relativeError(dq, fdq), GradientCheck.relativeError(dc, fdc));
            assertTrue(err < 1e-6, "basis derivative at " + q + ", " + cs + ": " + err + " " + Arrays.toString(dq) + " vs " + Arrays.toString(fdq));
        }
        System.out.printf(Locale.ROOT, "gradcheck %-44s seed=%d ok (20 points)%n", "utility basis d/dq and d/dcs", seed);
    }
}
