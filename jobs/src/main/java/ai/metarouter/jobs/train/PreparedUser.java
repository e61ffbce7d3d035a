package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.UserCap;
import ai.metarouter.core.learn.UserTask;

/**
 * One user after the split-by-user pass: either an admitted {@link UserTask} with its weight, or
 * the reason it is not trained on. Persisted in Spark as {@link PreparedUserCodec} bytes.
 *
 * @param userId the user
 * @param rejection why the user is skipped, or null when admitted
 * @param weight the user's weight in the outer mean ({@link UserCap.Capped#weight()})
 * @param originalEvents events the user had in the log slice (before capping)
 * @param keptEvents events kept by the cap
 * @param minTsMillis earliest event time of the user (epoch ms)
 * @param maxTsMillis latest event time of the user (epoch ms)
 * @param task the task (null when rejected)
 */
public record PreparedUser(String userId, UserCap.Rejection rejection, double weight, int originalEvents, int keptEvents,
                           long minTsMillis, long maxTsMillis, UserTask task) {
    public PreparedUser {
        if (userId == null) throw new IllegalArgumentException("prepared user needs an id");
        if ((rejection == null) != (task != null)) throw new IllegalArgumentException("an admitted user has a task, a rejected one none");
    }

    public boolean admitted() {
        return rejection == null;
    }
}
