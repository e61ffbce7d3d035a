package ai.metarouter.core.sim;

import ai.metarouter.core.data.UtilityProfile;

/**
 * A utility profile as the columns of {@code users.parquet}: the inverse of
 * {@link UtilityProfile#fromColumns}. Parameters a family does not have are null.
 */
public record ProfileColumns(String family, Double lambda, Double budgetUsd, Double qualityFloor,
                             Double exponent, Double threshold) {

    public static ProfileColumns of(UtilityProfile profile) {
        if (profile instanceof UtilityProfile.Linear l) {
            return new ProfileColumns(l.family(), l.lambda(), null, null, null, null);
        } else if (profile instanceof UtilityProfile.Budget b) {
            return new ProfileColumns(b.family(), b.lambda(), b.budgetUsd(), null, null, null);
        } else if (profile instanceof UtilityProfile.QualityFloor f) {
            return new ProfileColumns(f.family(), f.lambda(), null, f.floor(), null, null);
        } else if (profile instanceof UtilityProfile.Concave c) {
            return new ProfileColumns(c.family(), c.lambda(), null, null, c.exponent(), null);
        } else if (profile instanceof UtilityProfile.Threshold t) {
            return new ProfileColumns(t.family(), t.lambda(), null, null, null, t.threshold());
        }
        throw new IllegalArgumentException("unknown utility profile " + profile);
    }

    /** The profile these columns describe. */
    public UtilityProfile toProfile() {
        return UtilityProfile.fromColumns(family, lambda, budgetUsd, qualityFloor, exponent, threshold);
    }
}
