package ai.metarouter.core.sim;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.UtilityProfile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The population of users' true preferences.
 *
 * <p>In distribution: {@link UtilityProfile.Linear} with lambda log-uniform in
 * [{@code lambdaMin}, {@code lambdaMax}]. Out of distribution, a mixture (weights in
 * {@link Config}) of
 * <ul>
 *   <li>linear with lambda below the range (log-uniform in [lambdaMin/20, lambdaMin*0.7]) or above
 *       it (log-uniform in [lambdaMax*1.4, lambdaMax*6]); the gap keeps OOD users from being ID
 *       users in disguise;</li>
 *   <li>a hard per-query budget, placed log-uniformly between the 20% and 80% points of the pool's
 *       cost scale (so it binds for some models and not others), with a mild lambda;</li>
 *   <li>a quality floor in [0.7, 0.9], then cheapest;</li>
 *   <li>concave quality ({@code q^e}, e in [0.2, 0.6]) and a thresholded quality (threshold in
 *       [0.5, 0.9]), each with an ID-range lambda, so only the shape of the quality term is new.</li>
 * </ul>
 * Every user also gets a Bradley-Terry sharpness beta, log-normal around {@code betaMedian}.
 * Draws are seeded by (seed, userId) only, so a user's profile is independent of other users.
 */
public final class ProfileDistribution {

    /**
     * @param lambdaMin lower end of the in-distribution lambda range
     * @param lambdaMax upper end of the in-distribution lambda range
     * @param betaMedian median Bradley-Terry sharpness
     * @param betaLogSd standard deviation of ln(beta)
     * @param oodWeights mixture weights of the OOD families, in the order of {@link OodFamily}
     */
    public record Config(double lambdaMin, double lambdaMax, double betaMedian, double betaLogSd, List<Double> oodWeights)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final double DEFAULT_LAMBDA_MIN = 0.1;
        public static final double DEFAULT_LAMBDA_MAX = 1.5;
        public static final double DEFAULT_BETA_MEDIAN = 10.0;
        public static final double DEFAULT_BETA_LOG_SD = 0.3;

        public Config {
            if (!(lambdaMin > 0 && lambdaMax > lambdaMin) || Double.isInfinite(lambdaMax)) {
                throw new IllegalArgumentException("need 0 < lambdaMin < lambdaMax, got " + lambdaMin + ", " + lambdaMax);
            }
            if (!(betaMedian > 0) || Double.isInfinite(betaMedian)) throw new IllegalArgumentException("beta median must be > 0");
            if (!(betaLogSd >= 0) || Double.isInfinite(betaLogSd)) throw new IllegalArgumentException("beta log-sd must be >= 0");
            if (oodWeights == null || oodWeights.size() != OodFamily.values().length) {
                throw new IllegalArgumentException("need " + OodFamily.values().length + " OOD weights");
            }
            double sum = 0;
            for (Double w : oodWeights) {
                if (w == null || !(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("OOD weights must be >= 0");
                sum += w;
            }
            if (!(sum > 0)) throw new IllegalArgumentException("OOD weights must not all be 0");
            oodWeights = List.copyOf(oodWeights);
        }

        public static Config defaults() {
            return new Config(DEFAULT_LAMBDA_MIN, DEFAULT_LAMBDA_MAX, DEFAULT_BETA_MEDIAN, DEFAULT_BETA_LOG_SD,
                    List.of(0.15, 0.15, 0.2, 0.2, 0.15, 0.15));
        }

        public Config withLambdaRange(double lo, double hi) {
            return new Config(lo, hi, betaMedian, betaLogSd, oodWeights);
        }

        public Config withBeta(double median, double logSd) {
            return new Config(lambdaMin, lambdaMax, median, logSd, oodWeights);
        }

        public Config withOodWeights(double... weights) {
            List<Double> w = new ArrayList<>();
            for (double x : weights) w.add(x);
            return new Config(lambdaMin, lambdaMax, betaMedian, betaLogSd, w);
        }
    }

    /** The out-of-distribution families, in the order of {@link Config#oodWeights}. */
    public enum OodFamily { LINEAR_LOW, LINEAR_HIGH, BUDGET, QUALITY_FLOOR, CONCAVE, THRESHOLD }

    private final Config config;
    private final CostScale costScale;
    private final long seed;

    /**
     * @param config the distribution
     * @param costScale the pool's cost scale: budgets are placed relative to it
     * @param seed run seed
     */
    public ProfileDistribution(Config config, CostScale costScale, long seed) {
        if (config == null || costScale == null) throw new IllegalArgumentException("config and cost scale are required");
        this.config = config;
        this.costScale = costScale;
        this.seed = seed;
    }

    public Config config() {
        return config;
    }

    /** Whether a linear profile's lambda lies in the in-distribution range. */
    public boolean inDistribution(UtilityProfile profile) {
        return profile instanceof UtilityProfile.Linear l && l.lambda() >= config.lambdaMin() && l.lambda() <= config.lambdaMax();
    }

    /**
     * The id of the {@code index}-th simulated user of a split, e.g. {@code id-000000042}. The split
     * is part of the id so that ID and OOD logs can be combined without collisions.
     */
    public static String userId(UserSplit split, long index) {
        if (index < 0) throw new IllegalArgumentException("user index must be >= 0");
        return String.format(Locale.ROOT, "%s-%09d", split.wireName(), index);
    }

    /** Draws the user {@code userId} from {@code split}; the same (seed, userId, split) always gives the same user. */
    public SimulatedUser draw(String userId, UserSplit split) {
        SplittableRandom rng = Seeds.random(seed, "profile", split.wireName(), userId);
        UtilityProfile profile = split == UserSplit.ID ? drawId(rng) : drawOod(rng);
        double beta = config.betaMedian() * Math.exp(config.betaLogSd() * Seeds.gaussian(rng));
        return new SimulatedUser(userId, split, profile, beta);
    }

    private UtilityProfile drawId(SplittableRandom rng) {
        return new UtilityProfile.Linear(idLambda(rng));
    }

    private double idLambda(SplittableRandom rng) {
        return Seeds.logUniform(rng, config.lambdaMin(), config.lambdaMax());
    }

    private UtilityProfile drawOod(SplittableRandom rng) {
        OodFamily family = pickFamily(rng);
        return switch (family) {
            case LINEAR_LOW -> new UtilityProfile.Linear(Seeds.logUniform(rng, config.lambdaMin() / 20, config.lambdaMin() * 0.7));
            case LINEAR_HIGH -> new UtilityProfile.Linear(Seeds.logUniform(rng, config.lambdaMax() * 1.4, config.lambdaMax() * 6));
            case BUDGET -> {
                double budget = costScale.unscale(0.2 + 0.6 * rng.nextDouble());
                yield new UtilityProfile.Budget(budget, Seeds.logUniform(rng, config.lambdaMin() / 2, config.lambdaMin() * 2));
            }
            case QUALITY_FLOOR -> new UtilityProfile.QualityFloor(0.7 + 0.2 * rng.nextDouble(), idLambda(rng));
            case CONCAVE -> new UtilityProfile.Concave(0.2 + 0.4 * rng.nextDouble(), idLambda(rng));
            case THRESHOLD -> new UtilityProfile.Threshold(0.5 + 0.4 * rng.nextDouble(), idLambda(rng));
        };
    }

    private OodFamily pickFamily(SplittableRandom rng) {
        List<Double> w = config.oodWeights();
        double total = 0;
        for (double x : w) total += x;
        double u = rng.nextDouble() * total;
        OodFamily[] families = OodFamily.values();
        for (int i = 0; i < w.size(); i++) {
            u -= w.get(i);
            if (u < 0 && w.get(i) > 0) return families[i];
        }
        // Rounding left u at ~0: the last family with weight.
        for (int i = w.size() - 1; i >= 0; i--) if (w.get(i) > 0) return families[i];
        throw new IllegalStateException("no OOD family has weight");
    }
}
