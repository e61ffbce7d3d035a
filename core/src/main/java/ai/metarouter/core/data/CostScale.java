package ai.metarouter.core.data;

/**
 * The documented cost normalisation: cost relative to the pool's price range on a log scale,
 * <pre>  cs(c) = (ln max(c, floorUsd) - ln lo) / (ln hi - ln lo)</pre>
 * where {@code lo} and {@code hi} are the smallest and largest per-model mean cost of the catalog
 * the router was trained with. The cheapest model's typical query scores about 0, the dearest
 * about 1; single queries may fall outside [0, 1]. The scale belongs to the dataset, not the
 * request: removing a model at serving time must not change what a user's utility means.
 *
 * @param lnLo natural log of the cheapest model's mean cost
 * @param lnHi natural log of the dearest model's mean cost (strictly above lnLo)
 */
public record CostScale(double lnLo, double lnHi) {
    /** Costs below this (including 0) are treated as this many USD, so the log stays finite. */
    public static final double FLOOR_USD = 1e-7;

    public CostScale {
        if (!Double.isFinite(lnLo) || !Double.isFinite(lnHi) || !(lnHi > lnLo)) {
            throw new IllegalArgumentException("cost scale needs finite lnLo < lnHi, got " + lnLo + ", " + lnHi);
        }
    }

    /** The scale of a pool, from its models' mean costs. A pool of equal prices gets a unit-wide scale. */
    public static CostScale fromCatalog(ModelCatalog catalog) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (ModelInfo m : catalog.models()) {
            double ln = Math.log(Math.max(m.meanCostUsd(), FLOOR_USD));
            lo = Math.min(lo, ln);
            hi = Math.max(hi, ln);
        }
        if (!(hi > lo)) hi = lo + 1.0;
        return new CostScale(lo, hi);
    }

    /** Normalised cost of one query. */
    public double scale(double costUsd) {
        return (Math.log(Math.max(costUsd, FLOOR_USD)) - lnLo) / (lnHi - lnLo);
    }

    /** d cs / d cost, for gradient checks and cost-predictor objectives. */
    public double derivative(double costUsd) {
        if (costUsd <= FLOOR_USD) return 0.0;
        return 1.0 / (costUsd * (lnHi - lnLo));
    }

    /** The cost in USD whose normalised value is {@code cs}. */
    public double unscale(double cs) {
        return Math.exp(lnLo + cs * (lnHi - lnLo));
    }
}
