package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.sim.ProfileColumns;
import java.io.Serializable;

/**
 * A user's true utility profile in serialisable form (the columns of {@code users.parquet}; core's
 * {@link ProfileColumns} is not serialisable and core is not this package's to change).
 */
public record TrueProfile(String family, Double lambda, Double budgetUsd, Double qualityFloor, Double exponent, Double threshold)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static TrueProfile of(UtilityProfile p) {
        ProfileColumns c = ProfileColumns.of(p);
        return new TrueProfile(c.family(), c.lambda(), c.budgetUsd(), c.qualityFloor(), c.exponent(), c.threshold());
    }

    public UtilityProfile toProfile() {
        return UtilityProfile.fromColumns(family, lambda, budgetUsd, qualityFloor, exponent, threshold);
    }
}
