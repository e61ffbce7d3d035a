package ai.metarouter.core.model;

import java.util.Map;

/**
 * The sizes that fix the layout of {@link MetaParameters}.
 *
 * @param basisDim d, the utility basis dimension (length of theta)
 * @param hidden H, the encoder's hidden width
 * @param latent Z, the dimension of the latent preference z
 */
public record MetaDimensions(int basisDim, int hidden, int latent) {
    public static final int DEFAULT_HIDDEN = 16;
    public static final int DEFAULT_LATENT = 4;

    public MetaDimensions {
        if (basisDim < 1 || hidden < 1 || latent < 1) {
            throw new IllegalArgumentException("meta dimensions must be >= 1, got d=" + basisDim + " H=" + hidden + " Z=" + latent);
        }
    }

    public static MetaDimensions defaults(int basisDim) {
        return new MetaDimensions(basisDim, DEFAULT_HIDDEN, DEFAULT_LATENT);
    }

    /** 2d + 1, the width of a reward context's input [r psi ; psi ; r]. */
    public int rewardInputDim() {
        return 2 * basisDim + 1;
    }

    /** The block's shape (row-major). */
    public int[] shape(MetaBlock b) {
        int d = basisDim;
        int h = hidden;
        int z = latent;
        return switch (b) {
            case W1 -> new int[] {h, d};
            case B1, B1R -> new int[] {h};
            case W1R -> new int[] {h, rewardInputDim()};
            case W2 -> new int[] {z, h + 1};
            case B2 -> new int[] {z};
            case THETA0, LOG_ALPHA, LOG_RHO -> new int[] {d};
            case A -> new int[] {d, z};
            case LOG_REWARD_SCALE -> new int[] {1};
        };
    }

    public int blockSize(MetaBlock b) {
        int s = 1;
        for (int v : shape(b)) s *= v;
        return s;
    }

    /** Offset of a block in the flat vector. */
    public int offset(MetaBlock b) {
        int off = 0;
        for (MetaBlock x : MetaBlock.values()) {
            if (x == b) return off;
            off += blockSize(x);
        }
        throw new AssertionError(b);
    }

    /** Total number of meta-parameters. */
    public int size() {
        int s = 0;
        for (MetaBlock x : MetaBlock.values()) s += blockSize(x);
        return s;
    }

    /** Infers the dimensions from blocks' shapes (theta0 gives d, b1 gives H, b2 gives Z). */
    public static MetaDimensions fromBlocks(Map<String, NamedTensor> blocks) {
        int d = vectorLength(blocks, MetaBlock.THETA0);
        int h = vectorLength(blocks, MetaBlock.B1);
        int z = vectorLength(blocks, MetaBlock.B2);
        return new MetaDimensions(d, h, z);
    }

    private static int vectorLength(Map<String, NamedTensor> blocks, MetaBlock b) {
        NamedTensor t = OutcomePredictor.requireBlock(blocks, b.blockName());
        int[] s = t.shape();
        if (s.length != 1) throw new IllegalArgumentException("parameter block " + b.blockName() + " must be a vector");
        return s[0];
    }
}
