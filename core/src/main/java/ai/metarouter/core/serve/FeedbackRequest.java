package ai.metarouter.core.serve;

import ai.metarouter.core.data.Feedback;
import java.util.Objects;

/**
 * Feedback from a user: a pairwise comparison or a reward (see {@link Feedback}).
 *
 * @param userId the user
 * @param feedback what the user said
 */
public record FeedbackRequest(String userId, Feedback feedback) {
    public FeedbackRequest {
        Objects.requireNonNull(feedback, "feedback");
    }
}
