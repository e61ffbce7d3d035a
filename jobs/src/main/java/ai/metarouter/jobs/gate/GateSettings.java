package ai.metarouter.jobs.gate;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;

/**
 * What the gate compares and how much worse a candidate may be (absolute drops; a candidate may
 * always be better).
 *
 * @param k the number of feedback contexts the held-out metrics are read at
 * @param splits the user splits that must all hold ({@code id}, {@code ood})
 * @param utilityTolerance largest allowed drop of MetaRouter's mean held-out utility
 * @param pgcTolerance largest allowed drop of MetaRouter's PGC (personalisation gap closed)
 * @param offPolicyEstimator estimator of {@code off_policy.estimates} compared ({@code ips},
 *     {@code snips}, {@code dm}, {@code dr}), or null to leave the off-policy estimate out
 * @param offPolicyTolerance largest allowed drop of that estimate
 * @param firstVersion the absolute checks of a first version, gated with no LATEST to compare with
 */
public record GateSettings(int k, List<String> splits, double utilityTolerance, double pgcTolerance, String offPolicyEstimator,
                           double offPolicyTolerance, FirstVersion firstVersion) {
    /** The estimators {@code evaluate} writes; {@code none} switches the off-policy criterion off. */
    public static final List<String> ESTIMATORS = List.of("ips", "snips", "dm", "dr");
    public static final String NONE = "none";

    public GateSettings {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        splits = List.copyOf(splits);
        if (splits.isEmpty()) throw new IllegalArgumentException("splits is empty");
        for (String s : splits) {
            if (!s.equals("id") && !s.equals("ood")) throw new IllegalArgumentException("splits must be id and/or ood, got '" + s + "'");
        }
        tolerance("utility-tolerance", utilityTolerance);
        tolerance("pgc-tolerance", pgcTolerance);
        tolerance("off-policy-tolerance", offPolicyTolerance);
        if (offPolicyEstimator != null && !ESTIMATORS.contains(offPolicyEstimator)) {
            throw new IllegalArgumentException("off-policy-estimator must be one of " + ESTIMATORS + " or " + NONE + ", got '"
                    + offPolicyEstimator + "'");
        }
        if (firstVersion == null) throw new IllegalArgumentException("first-version is missing");
    }

    /**
     * {@code metarouter.gate.first-version}: what a candidate must show on its own when the
     * registry has no LATEST yet ({@code gate --no-baseline}). PGC is measured from the population
     * router (PGC 0) towards the known-preference router (PGC 1), so a minimum of 0 means "not
     * worse than routing every user the same way".
     *
     * @param minPgcId smallest acceptable PGC at k of the ID split
     * @param minPgcOod smallest acceptable PGC at k of the OOD split
     */
    public record FirstVersion(double minPgcId, double minPgcOod) {
        public FirstVersion {
            finite("first-version.min-pgc-id", minPgcId);
            finite("first-version.min-pgc-ood", minPgcOod);
        }

        /** The minimum PGC of a split ({@code id} or {@code ood}). */
        public double minPgc(String split) {
            return switch (split) {
                case "id" -> minPgcId;
                case "ood" -> minPgcOod;
                default -> throw new IllegalArgumentException("no minimum PGC for split '" + split + "'");
            };
        }

        static FirstVersion fromConfig(Config c) {
            return new FirstVersion(c.getDouble("min-pgc-id"), c.getDouble("min-pgc-ood"));
        }

        private static void finite(String name, double v) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException(name + " must be a finite number, got " + v);
        }
    }

    private static void tolerance(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
    }

    /** {@code metarouter.gate}. */
    public static GateSettings fromConfig(Config gate) {
        return new GateSettings(gate.getInt("k"), gate.getStringList("splits"), gate.getDouble("utility-tolerance"),
                gate.getDouble("pgc-tolerance"), estimator(gate.getString("off-policy-estimator")), gate.getDouble("off-policy-tolerance"),
                FirstVersion.fromConfig(gate.getConfig("first-version")));
    }

    /** {@code none} (any case) or blank -> null; otherwise the lower-cased name. */
    public static String estimator(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.isEmpty() || n.equals(NONE) ? null : n;
    }
}
