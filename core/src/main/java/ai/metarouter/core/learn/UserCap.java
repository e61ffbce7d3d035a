package ai.metarouter.core.learn;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.featurize.StableHash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * What a trainer does with one user's raw events before they become a {@link UserTask}: cap them
 * with reproducible sampling (so that one user with 100x the median events costs no more than a
 * capped user, on any partition), give the user a weight, and decide whether the resulting task
 * has enough data to train on. Pure functions of (config, user id, the user's events): the Spark
 * trainer and the {@link ReferenceTrainer} call exactly these, so they train on the same tasks
 * with the same weights.
 *
 * <p><b>Sampling.</b> A capped user keeps the {@code maxEvents} events with the smallest
 * {@link #eventHash}(seed, user id, event id), ties broken by event id. The choice depends on no
 * ordering of the input, so a streaming pass over events sorted any way ({@link Reservoir}) keeps
 * the same events as {@link #cap} on a list, and memory is O(maxEvents) however big the user.
 *
 * <p><b>Weights.</b> The meta-objective is a mean over users of per-user means over their query
 * sets. A uniform sample of a user's events leaves that user's query-set means unbiased, so with
 * {@link Weighting#USER} (the default: every user is one task, as in the method) a capped user
 * keeps weight 1. With {@link Weighting#EVENTS} each user weighs as many events as it had before
 * capping (the inverse of its inclusion rate times what it kept): heavy users count more, and
 * capping does not change how much.
 */
public final class UserCap {
    /** Separates the capping stream from user sampling and per-user draws of the same seed. */
    private static final long CAP_SALT = 0x3c6e_f372_fe94_f82bL;

    private UserCap() {}

    /** How a user's contribution is weighted in the outer iteration's mean. */
    public enum Weighting {
        /** Weight 1 per user. */
        USER,
        /** Weight = the user's number of events before capping. */
        EVENTS;

        public static Weighting parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("user weighting must be 'user' or 'events', got '" + s + "'");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param maxEvents events kept per user at most (the cap)
     * @param minEvents usable task events a user needs to be trained on
     * @param weighting how users are weighted
     * @param seed seed of the sampling
     */
    public record Config(int maxEvents, int minEvents, Weighting weighting, long seed) {
        public Config {
            if (maxEvents < 1) throw new IllegalArgumentException("max events per user must be >= 1, got " + maxEvents);
            if (minEvents < 1) throw new IllegalArgumentException("min events per user must be >= 1, got " + minEvents);
            if (minEvents > maxEvents) {
                throw new IllegalArgumentException("min events per user (" + minEvents + ") exceeds max events per user (" + maxEvents + ")");
            }
            if (weighting == null) throw new IllegalArgumentException("user weighting is missing");
        }

        public static Config defaults(long seed) {
            return new Config(256, 4, Weighting.USER, seed);
        }
    }

    /**
     * One user's events after capping.
     *
     * @param userId the user
     * @param events the kept events (no particular order; the task builder orders them by time)
     * @param originalEvents how many events the user had before capping
     * @param weight the user's weight in the outer mean
     */
    public record Capped(String userId, List<InteractionEvent> events, int originalEvents, double weight) {
        public Capped {
            events = List.copyOf(events);
        }

        public boolean wasCapped() {
            return events.size() < originalEvents;
        }
    }

    /** Why a user is not trained on. */
    public enum Rejection {
        /** Fewer usable events than {@link Config#minEvents}. */
        TOO_FEW_EVENTS,
        /** No query-set event the objective can score, whatever the context size. */
        NOTHING_TO_SCORE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The sampling key of one event. */
    public static long eventHash(long seed, String userId, String eventId) {
        return StableHash.combine(StableHash.seedFor(seed ^ CAP_SALT, 0, userId), StableHash.hash64(eventId));
    }

    /** Caps one user's events (any order). */
    public static Capped cap(String userId, List<InteractionEvent> events, Config config) {
        Reservoir r = new Reservoir(userId, config);
        for (InteractionEvent e : events) r.offer(e);
        return r.finish();
    }

    /**
     * The user's rejection reason, or null when {@code task} is trained on. {@code kMax} is the
     * objective's largest context size ({@link ObjectiveConfig#kMax()}).
     */
    public static Rejection admit(UserTask task, Config config, int kMax) {
        if (task.events().size() < config.minEvents()) return Rejection.TOO_FEW_EVENTS;
        if (task.maxContexts(kMax) < 0) return Rejection.NOTHING_TO_SCORE;
        return null;
    }

    /**
     * Streaming form of {@link #cap}: offer a user's events one at a time; keeps the
     * {@code maxEvents} smallest (hash, event id) in a bounded heap. Not thread-safe.
     */
    public static final class Reservoir {
        private record Keyed(long hash, InteractionEvent event) {
            String id() {
                return event.eventId() == null ? "" : event.eventId();
            }
        }

        /** Largest first, so the head is the one to evict. */
        private static final Comparator<Keyed> LARGEST_FIRST =
                Comparator.comparingLong(Keyed::hash).thenComparing(Keyed::id).reversed();

        private final String userId;
        private final Config config;
        private final PriorityQueue<Keyed> kept;
        private int offered;

        public Reservoir(String userId, Config config) {
            this.userId = userId;
            this.config = config;
            this.kept = new PriorityQueue<>(Math.min(config.maxEvents(), 64) + 1, LARGEST_FIRST);
        }

        public void offer(InteractionEvent e) {
            offered++;
            String id = e.eventId() == null ? "" : e.eventId();
            Keyed k = new Keyed(eventHash(config.seed(), userId, id), e);
            if (kept.size() < config.maxEvents()) {
                kept.add(k);
            } else if (LARGEST_FIRST.compare(k, kept.peek()) > 0) {
                // k sorts after the head in largest-first order, i.e. it is smaller: it replaces the largest kept.
                kept.poll();
                kept.add(k);
            }
        }

        public int offered() {
            return offered;
        }

        public Capped finish() {
            List<InteractionEvent> events = new ArrayList<>(kept.size());
            for (Keyed k : kept) events.add(k.event());
            double weight = config.weighting() == Weighting.EVENTS ? offered : 1.0;
            return new Capped(userId, events, offered, weight);
        }
    }
}
