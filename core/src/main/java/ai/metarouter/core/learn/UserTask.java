package ai.metarouter.core.learn;

import java.io.Serializable;
import java.util.List;

/**
 * One user's learning task: the user's events in time order, in primitive form. Which prefix is
 * the context set is decided per (seed, iteration) by {@link UserMetaObjective}: the first k
 * feedback events are contexts, every event after the k-th is the query set.
 *
 * @param userId the user
 * @param basisDim d of the utility basis the route events were encoded with
 * @param events time-ordered events
 * @param skippedEvents input events that could not be used (invalid, or a chosen model the predictor does not know)
 */
public record UserTask(String userId, int basisDim, List<TaskEvent> events, int skippedEvents) implements Serializable {
    public UserTask {
        if (userId == null) throw new IllegalArgumentException("user task needs a user id");
        events = List.copyOf(events);
    }

    /** Number of events usable as feedback contexts. */
    public int feedbackCount() {
        return contextCount(false);
    }

    /** Number of events usable as contexts: all feedback, or comparisons only. */
    public int contextCount(boolean pairsOnly) {
        int n = 0;
        for (TaskEvent e : events) if (isContext(e, pairsOnly)) n++;
        return n;
    }

    /** Whether an event can be a context: any feedback, or with {@code pairsOnly} only comparisons. */
    public static boolean isContext(TaskEvent e, boolean pairsOnly) {
        return pairsOnly ? e instanceof TaskEvent.Pair : e.isFeedback();
    }

    /** Index in {@link #events()} just after the k-th feedback event (0 for k = 0). */
    public int queryStart(int k) {
        return queryStart(k, false);
    }

    /** Index in {@link #events()} just after the k-th context event (0 for k = 0). */
    public int queryStart(int k, boolean pairsOnly) {
        if (k == 0) return 0;
        int seen = 0;
        for (int i = 0; i < events.size(); i++) {
            if (isContext(events.get(i), pairsOnly) && ++seen == k) return i + 1;
        }
        throw new IllegalArgumentException("user " + userId + " has only " + seen + " context events, asked for " + k);
    }

    /**
     * The largest k (at most {@code kMax}) that still leaves a query-set event the objective can
     * score (a route event with a reward, or a comparison); -1 when there is none even for k = 0.
     */
    public int maxContexts(int kMax) {
        return maxContexts(kMax, false);
    }

    /** {@link #maxContexts(int)} when contexts are all feedback or, with {@code pairsOnly}, comparisons only. */
    public int maxContexts(int kMax, boolean pairsOnly) {
        int lastScorable = -1;
        for (int i = events.size() - 1; i >= 0; i--) {
            TaskEvent e = events.get(i);
            if (e instanceof TaskEvent.Pair || (e instanceof TaskEvent.Route r && r.hasReward())) {
                lastScorable = i;
                break;
            }
        }
        if (lastScorable < 0) return -1;
        int k = 0;
        for (int i = 0; i < lastScorable; i++) if (isContext(events.get(i), pairsOnly)) k++;
        return Math.min(k, kMax);
    }
}
