package ai.metarouter.core.data;

/**
 * A user's true, unstated cost-performance preference: the utility {@code U(q, c)} of an answer of
 * quality {@code q} in [0, 1] that cost {@code c} USD. Cost enters through the dataset's
 * {@link CostScale}. Simulated users draw feedback from these; evaluation scores routers with them;
 * the router itself never sees them.
 *
 * <p>In-distribution users are {@link Linear} with lambda in the configured range. The other
 * families, and linear users with lambda outside that range, are out of distribution: training
 * never sees them.
 */
public sealed interface UtilityProfile {

    /** Utility of quality {@code q} at cost {@code costUsd}. */
    double utility(double q, double costUsd, CostScale scale);

    /** Family name as written to {@code users.parquet}. */
    String family();

    /** Cost aversion: the weight on normalised cost. */
    double lambda();

    /** {@code U = q - lambda * cs(c)}: the in-distribution family. */
    record Linear(double lambda) implements UtilityProfile {
        public Linear {
            requireNonNegative("lambda", lambda);
        }

        @Override
        public double utility(double q, double costUsd, CostScale scale) {
            return q - lambda * scale.scale(costUsd);
        }

        @Override
        public String family() {
            return "linear";
        }
    }

    /** A hard budget per query: {@code U = q - lambda * cs(c) - [c > budget]} (over budget costs a full quality unit). */
    record Budget(double budgetUsd, double lambda) implements UtilityProfile {
        public Budget {
            requireNonNegative("lambda", lambda);
            if (!(budgetUsd > 0) || Double.isInfinite(budgetUsd)) throw new IllegalArgumentException("budget must be > 0");
        }

        @Override
        public double utility(double q, double costUsd, CostScale scale) {
            return q - lambda * scale.scale(costUsd) - (costUsd > budgetUsd ? 1.0 : 0.0);
        }

        @Override
        public String family() {
            return "budget";
        }
    }

    /**
     * "Never below the floor, then cheapest": {@code U = -lambda * cs(c) - 5 * max(0, floor - q)}.
     * Above the floor only cost matters; below it every point of quality costs five.
     */
    record QualityFloor(double floor, double lambda) implements UtilityProfile {
        public static final double SHORTFALL_PENALTY = 5.0;

        public QualityFloor {
            requireNonNegative("lambda", lambda);
            if (!(floor > 0 && floor <= 1)) throw new IllegalArgumentException("quality floor must be in (0, 1]");
        }

        @Override
        public double utility(double q, double costUsd, CostScale scale) {
            return -lambda * scale.scale(costUsd) - SHORTFALL_PENALTY * Math.max(0.0, floor - q);
        }

        @Override
        public String family() {
            return "quality_floor";
        }
    }

    /** Diminishing returns in quality: {@code U = q^exponent - lambda * cs(c)}, exponent in (0, 1). */
    record Concave(double exponent, double lambda) implements UtilityProfile {
        public Concave {
            requireNonNegative("lambda", lambda);
            if (!(exponent > 0 && exponent < 1)) throw new IllegalArgumentException("exponent must be in (0, 1)");
        }

        @Override
        public double utility(double q, double costUsd, CostScale scale) {
            return Math.pow(Math.max(q, 0.0), exponent) - lambda * scale.scale(costUsd);
        }

        @Override
        public String family() {
            return "concave";
        }
    }

    /**
     * Good enough or not: {@code U = sigmoid((q - threshold) / 0.05) - lambda * cs(c)}, a smoothed
     * step at the threshold.
     */
    record Threshold(double threshold, double lambda) implements UtilityProfile {
        public static final double WIDTH = 0.05;

        public Threshold {
            requireNonNegative("lambda", lambda);
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be in (0, 1)");
        }

        @Override
        public double utility(double q, double costUsd, CostScale scale) {
            return 1.0 / (1.0 + Math.exp(-(q - threshold) / WIDTH)) - lambda * scale.scale(costUsd);
        }

        @Override
        public String family() {
            return "threshold";
        }
    }

    /**
     * Rebuilds a profile from its {@code users.parquet} columns; parameters a family does not use
     * are ignored (they are null in the file).
     */
    static UtilityProfile fromColumns(String family, Double lambda, Double budgetUsd, Double qualityFloor,
                                      Double exponent, Double threshold) {
        double lam = require(family, "lambda", lambda);
        return switch (family) {
            case "linear" -> new Linear(lam);
            case "budget" -> new Budget(require(family, "budget_usd", budgetUsd), lam);
            case "quality_floor" -> new QualityFloor(require(family, "quality_floor", qualityFloor), lam);
            case "concave" -> new Concave(require(family, "exponent", exponent), lam);
            case "threshold" -> new Threshold(require(family, "threshold", threshold), lam);
            default -> throw new IllegalArgumentException("unknown utility family: " + family);
        };
    }

    private static double require(String family, String name, Double value) {
        if (value == null || !Double.isFinite(value)) {
            throw new IllegalArgumentException("utility family " + family + " needs a finite " + name);
        }
        return value;
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
}
