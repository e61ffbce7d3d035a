package ai.metarouter.core.model;

/**
 * The named blocks of {@link MetaParameters}, in their order in the flat vector. Names are the
 * spec's symbols; {@link #blockName()} is the name in artifacts ({@code meta.} + symbol).
 */
public enum MetaBlock {
    /** Pair-context encoder weights, H x d. */
    W1("W1"),
    /** Pair-context encoder bias, H. */
    B1("b1"),
    /** Reward-context encoder weights, H x (2d + 1). */
    W1R("W1r"),
    /** Reward-context encoder bias, H. */
    B1R("b1r"),
    /** Pool-to-latent weights, Z x (H + 1). */
    W2("W2"),
    /** Pool-to-latent bias, Z (with no contexts, z = b2). */
    B2("b2"),
    /** Population prior of the user parameters, d. */
    THETA0("theta0"),
    /** Latent-to-theta map, d x Z: theta_init = theta0 + A z. */
    A("A"),
    /** Log of the inner loop's per-coordinate step sizes (Meta-SGD), d. */
    LOG_ALPHA("logAlpha"),
    /** Log of the inner loop's per-coordinate pull towards theta_init, d. */
    LOG_RHO("logRho"),
    /**
     * Log of kappa, the scale that maps rewards (utility units) to theta's units (comparison
     * logits), shape [1]. An addition to the spec; see {@code InnerLoop}.
     */
    LOG_REWARD_SCALE("logRewardScale");

    private final String symbol;

    MetaBlock(String symbol) {
        this.symbol = symbol;
    }

    /** The spec's symbol, e.g. {@code logAlpha}. */
    public String symbol() {
        return symbol;
    }

    /** The artifact block name, e.g. {@code meta.logAlpha}. */
    public String blockName() {
        return "meta." + symbol;
    }
}
