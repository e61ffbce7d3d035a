package ai.metarouter.core.model;

/**
 * The permutation-invariant map from a user's feedback contexts to a latent preference z and the
 * inner loop's starting point:
 * <pre>
 *   e_i  = tanh(W1 v_i + b1)                       for a comparison (v_i = psi(winner) - psi(loser))
 *   e_i  = tanh(W1r [r_i psi_i ; psi_i ; r_i] + b1r) for a reward
 *   pool = [ (sum_i e_i) / n ; log1p(n) ]          (zeros and 0 when n = 0)
 *   z    = W2 pool + b2,      theta_init = theta0 + A z
 * </pre>
 * Mean pooling makes the result independent of the order of contexts (up to floating-point
 * rounding of the sum) and of their number, which enters separately through log1p(n) so the
 * network can tell "little evidence" from "consistent evidence". With no contexts z = b2, so
 * theta_init is the population prior. Stateless; parameters are passed as the flat
 * {@link MetaParameters} vector so trainers can call it on their working copy.
 */
public final class PreferenceEncoder {
    private final MetaDimensions dims;
    private final int oW1;
    private final int oB1;
    private final int oW1r;
    private final int oB1r;
    private final int oW2;
    private final int oB2;
    private final int oTheta0;
    private final int oA;

    public PreferenceEncoder(MetaDimensions dims) {
        this.dims = dims;
        this.oW1 = dims.offset(MetaBlock.W1);
        this.oB1 = dims.offset(MetaBlock.B1);
        this.oW1r = dims.offset(MetaBlock.W1R);
        this.oB1r = dims.offset(MetaBlock.B1R);
        this.oW2 = dims.offset(MetaBlock.W2);
        this.oB2 = dims.offset(MetaBlock.B2);
        this.oTheta0 = dims.offset(MetaBlock.THETA0);
        this.oA = dims.offset(MetaBlock.A);
    }

    public MetaDimensions dims() {
        return dims;
    }

    /**
     * The forward pass and what the backward pass needs.
     *
     * @param thetaInit theta0 + A z (d)
     * @param z the latent actually used, noise included (Z)
     * @param pool [mean e ; log1p(n)] (H + 1)
     * @param hidden e_i of every context, pairs first then rewards (n x H)
     */
    public record Encoding(double[] thetaInit, double[] z, double[] pool, double[] hidden) {}

    /** Encodes contexts with parameters {@code p}; {@code zNoise} (length Z, or null) is added to z. */
    public Encoding encode(double[] p, FeedbackContexts ctx, double[] zNoise) {
        int d = dims.basisDim();
        int h = dims.hidden();
        int zDim = dims.latent();
        int rw = dims.rewardInputDim();
        int nP = ctx.pairCount();
        int nR = ctx.rewardCount();
        int n = nP + nR;
        double[] hidden = new double[n * h];
        double[] pool = new double[h + 1];
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < nP; i++) {
            int vo = i * d;
            for (int k = 0; k < h; k++) {
                double s = p[oB1 + k];
                int wo = oW1 + k * d;
                for (int j = 0; j < d; j++) s += p[wo + j] * v[vo + j];
                double e = Math.tanh(s);
                hidden[i * h + k] = e;
                pool[k] += e;
            }
        }
        double[] psi = ctx.rewardPsiView();
        double[] r = ctx.rewardValuesView();
        for (int i = 0; i < nR; i++) {
            int po = i * d;
            double ri = r[i];
            for (int k = 0; k < h; k++) {
                int wo = oW1r + k * rw;
                double s = p[oB1r + k];
                for (int j = 0; j < d; j++) s += (p[wo + j] * ri + p[wo + d + j]) * psi[po + j];
                s += p[wo + 2 * d] * ri;
                double e = Math.tanh(s);
                hidden[(nP + i) * h + k] = e;
                pool[k] += e;
            }
        }
        if (n > 0) {
            double inv = 1.0 / n;
            for (int k = 0; k < h; k++) pool[k] *= inv;
        }
        pool[h] = Math.log1p(n);
        double[] z = new double[zDim];
        for (int m = 0; m < zDim; m++) {
            double s = p[oB2 + m];
            int wo = oW2 + m * (h + 1);
            for (int k = 0; k <= h; k++) s += p[wo + k] * pool[k];
            z[m] = zNoise == null ? s : s + zNoise[m];
        }
        double[] thetaInit = new double[d];
        for (int j = 0; j < d; j++) {
            double s = p[oTheta0 + j];
            int ao = oA + j * zDim;
            for (int m = 0; m < zDim; m++) s += p[ao + m] * z[m];
            thetaInit[j] = s;
        }
        return new Encoding(thetaInit, z, pool, hidden);
    }

    /**
     * Reverse mode: given {@code dThetaInit} = dL/d theta_init, adds dL/d(W1, b1, W1r, b1r, W2, b2,
     * theta0, A) into {@code grad} (flat, same layout as the parameters). Noise on z is a constant.
     */
    public void backward(double[] p, FeedbackContexts ctx, Encoding enc, double[] dThetaInit, double[] grad) {
        int d = dims.basisDim();
        int h = dims.hidden();
        int zDim = dims.latent();
        int rw = dims.rewardInputDim();
        double[] z = enc.z();
        double[] dz = new double[zDim];
        for (int j = 0; j < d; j++) {
            double g = dThetaInit[j];
            grad[oTheta0 + j] += g;
            int ao = oA + j * zDim;
            for (int m = 0; m < zDim; m++) {
                grad[ao + m] += g * z[m];
                dz[m] += p[ao + m] * g;
            }
        }
        double[] pool = enc.pool();
        double[] dPool = new double[h];
        for (int m = 0; m < zDim; m++) {
            double g = dz[m];
            grad[oB2 + m] += g;
            int wo = oW2 + m * (h + 1);
            for (int k = 0; k <= h; k++) grad[wo + k] += g * pool[k];
            for (int k = 0; k < h; k++) dPool[k] += p[wo + k] * g;
        }
        int nP = ctx.pairCount();
        int nR = ctx.rewardCount();
        int n = nP + nR;
        if (n == 0) return;
        double inv = 1.0 / n;
        double[] hidden = enc.hidden();
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < nP; i++) {
            int vo = i * d;
            for (int k = 0; k < h; k++) {
                double e = hidden[i * h + k];
                double dPre = dPool[k] * inv * (1.0 - e * e);
                grad[oB1 + k] += dPre;
                int wo = oW1 + k * d;
                for (int j = 0; j < d; j++) grad[wo + j] += dPre * v[vo + j];
            }
        }
        double[] psi = ctx.rewardPsiView();
        double[] r = ctx.rewardValuesView();
        for (int i = 0; i < nR; i++) {
            int po = i * d;
            double ri = r[i];
            for (int k = 0; k < h; k++) {
                double e = hidden[(nP + i) * h + k];
                double dPre = dPool[k] * inv * (1.0 - e * e);
                grad[oB1r + k] += dPre;
                int wo = oW1r + k * rw;
                for (int j = 0; j < d; j++) {
                    grad[wo + j] += dPre * ri * psi[po + j];
                    grad[wo + d + j] += dPre * psi[po + j];
                }
                grad[wo + 2 * d] += dPre * ri;
            }
        }
    }
}
