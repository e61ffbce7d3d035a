package ai.metarouter.core.serve.state;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.model.UserState;
import java.util.List;
import java.util.Objects;

/**
 * What is stored per user.
 *
 * @param userId the user
 * @param feedback the user's most recent feedback, oldest first (bounded by the store's policy)
 * @param state the state {@code feedback} adapted to under the model identified below
 * @param artifactVersion the artifact version that adapted {@code state}
 * @param artifactFingerprint that version's weights fingerprint (see {@code ServingVersion#fingerprint})
 * @param updatedMillis when the record was last written (epoch ms)
 */
public record UserRecord(String userId, List<Feedback> feedback, UserState state, int artifactVersion,
                         String artifactFingerprint, long updatedMillis) {
    public UserRecord {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(artifactFingerprint, "artifactFingerprint");
        feedback = List.copyOf(feedback);
    }

    /** The same feedback with a state adapted by another model. */
    public UserRecord readapted(UserState newState, int version, String fingerprint, long nowMillis) {
        return new UserRecord(userId, feedback, newState, version, fingerprint, nowMillis);
    }
}
