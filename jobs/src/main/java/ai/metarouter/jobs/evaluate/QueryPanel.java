package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.UtilityProfile;
import java.io.Serializable;
import java.util.List;

/**
 * Everything per-user evaluation reads about queries and arms, as primitive arrays (broadcast once):
 * the true outcome grid of every row of the outcome table over the pool's arms, which rows are
 * scored (test split, every arm measured) and which rows feedback contexts come from, and per router
 * its predicted quality and normalised cost of every (row, arm) and the population router's scores.
 *
 * @param arms arm ids, in the artifact's arm order (restricted to models the outcome table has)
 * @param quality true quality, rows x arms row-major (NaN where not measured)
 * @param cost true cost in USD, same layout
 * @param meanCost catalog mean cost per arm (defines "cheapest")
 * @param trainQuality mean quality per arm on the train split (defines "strongest")
 * @param scoringRows rows users are scored on
 * @param lnLo cost scale of the true utilities ({@link CostScale})
 * @param lnHi cost scale of the true utilities
 * @param binaryQuality whether every quality is 0 or 1: then the expected utility under the
 *        predictor is {@code q^ U(1, c^) + (1 - q^) U(0, c^)} rather than {@code U(q^, c^)}
 * @param predictions per router (same order as the job's models): predicted outcomes
 * @param population per router and split: the population router's score of each (scoring row, arm)
 */
public record QueryPanel(List<String> arms, double[] quality, double[] cost, double[] meanCost, double[] trainQuality,
                         int[] scoringRows, double lnLo, double lnHi, boolean binaryQuality, List<Predictions> predictions,
                         List<PopulationScores> population) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One router's predictions of every (row, arm), NaN for arms the router does not know: expected
     * quality, expected cost in USD, and that cost normalised with the router's own cost scale (what
     * its scores use; a router trained on another pool has another scale).
     */
    public record Predictions(double[] qualityHat, double[] costUsdHat, double[] costScaleHat) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The population router's scores over (scoring row index, arm) for one router and one user split. */
    public record PopulationScores(int model, String split, double[] scores) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public int numArms() {
        return arms.size();
    }

    public CostScale costScale() {
        return new CostScale(lnLo, lnHi);
    }

    public double quality(int row, int arm) {
        return quality[row * arms.size() + arm];
    }

    public double cost(int row, int arm) {
        return cost[row * arms.size() + arm];
    }

    public double[] populationScores(int model, String split) {
        for (PopulationScores p : population) if (p.model() == model && p.split().equals(split)) return p.scores();
        throw new IllegalArgumentException("no population scores for router " + model + ", split " + split);
    }

    /**
     * The expected true utility of an arm whose predicted quality is {@code qHat} and predicted
     * cost {@code c} (USD): what "the outcome predictor with the user's true utility"
     * maximises. Quality that is 0 or 1 is a Bernoulli(q^) draw, so its expected utility is the
     * mixture; otherwise q^ is plugged in.
     */
    public static double expectedUtility(UtilityProfile profile, CostScale scale, boolean binaryQuality, double qHat, double c) {
        if (!binaryQuality) return profile.utility(qHat, c, scale);
        return qHat * profile.utility(1.0, c, scale) + (1.0 - qHat) * profile.utility(0.0, c, scale);
    }
}
