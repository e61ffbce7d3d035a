package ai.metarouter.jobs.evaluate;

/**
 * Routing by scores and scoring the result with the true outcomes: per query, the pool arm with
 * the highest score; exact ties are split evenly (the expectation of breaking them uniformly at
 * random, so no policy gains from an arbitrary tie order and a policy that knows nothing scores
 * like {@link Policy#RANDOM}). Pure functions over primitive arrays.
 */
public final class GreedyRouting {
    private GreedyRouting() {}

    /** Scores of candidate arms on one scored query. */
    @FunctionalInterface
    public interface Scorer {
        /** Score of arm {@code arm} on scored query number {@code s} (panel row {@code row}). */
        double score(int s, int row, int arm);
    }

    /**
     * Mean realised (utility, quality, cost) over the scored rows.
     *
     * @param rows panel rows scored
     * @param pool which arms are candidates
     * @param utility the user's true utility of (row index s, arm), {@code rows.length x arms}
     * @param quality true quality, panel layout (row x arms)
     * @param cost true cost, panel layout
     */
    public static Outcomes route(Scorer scorer, int[] rows, boolean[] pool, double[] utility, double[] quality, double[] cost) {
        int nA = pool.length;
        double su = 0;
        double sq = 0;
        double sc = 0;
        double[] score = new double[nA];
        for (int s = 0; s < rows.length; s++) {
            int row = rows[s];
            double best = Double.NEGATIVE_INFINITY;
            int ties = 0;
            for (int a = 0; a < nA; a++) {
                if (!pool[a]) continue;
                double v = scorer.score(s, row, a);
                if (Double.isNaN(v)) throw new IllegalStateException("NaN score for arm " + a + " on row " + row);
                score[a] = v;
                if (v > best || ties == 0) {
                    best = v;
                    ties = 1;
                } else if (v == best) {
                    ties++;
                }
            }
            double w = 1.0 / ties;
            for (int a = 0; a < nA; a++) {
                if (!pool[a] || score[a] != best) continue;
                su += w * utility[s * nA + a];
                sq += w * quality[row * nA + a];
                sc += w * cost[row * nA + a];
            }
        }
        double n = rows.length;
        return new Outcomes(su / n, sq / n, sc / n);
    }

    /** The same arm for every query (fixed rules); a constant scorer. */
    public static Outcomes fixedArm(int arm, int[] rows, boolean[] pool, double[] utility, double[] quality, double[] cost) {
        return route((s, row, a) -> a == arm ? 1.0 : 0.0, rows, pool, utility, quality, cost);
    }

    /** Index of the pool arm with the largest {@code value} (lowest index on ties), or -1 for an empty pool. */
    public static int argmax(double[] value, boolean[] pool) {
        int best = -1;
        for (int a = 0; a < pool.length; a++) {
            if (pool[a] && (best < 0 || value[a] > value[best])) best = a;
        }
        return best;
    }
}
