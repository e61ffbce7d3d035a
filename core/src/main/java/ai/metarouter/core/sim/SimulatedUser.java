package ai.metarouter.core.sim;

import ai.metarouter.core.data.UtilityProfile;

/**
 * A simulated user: the true utility profile their feedback is drawn from, and how sharply they
 * tell outcomes apart.
 *
 * @param userId user id, stable across runs with the same seed
 * @param split whether the profile is in or out of the training distribution
 * @param profile the true utility {@code U(q, c)}
 * @param beta Bradley-Terry sharpness: {@code P(a preferred) = sigmoid(beta * (U_a - U_b))}
 */
public record SimulatedUser(String userId, UserSplit split, UtilityProfile profile, double beta) {
    public SimulatedUser {
        if (userId == null || userId.isBlank()) throw new IllegalArgumentException("user id is missing");
        if (split == null) throw new IllegalArgumentException("user " + userId + ": split is missing");
        if (profile == null) throw new IllegalArgumentException("user " + userId + ": profile is missing");
        if (!(beta > 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("user " + userId + ": beta must be > 0, got " + beta);
    }
}
