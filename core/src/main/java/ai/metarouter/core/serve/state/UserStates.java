package ai.metarouter.core.serve.state;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.serve.metrics.ServeMetrics;
import ai.metarouter.core.serve.reload.ServingVersion;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Users' adapted states: a bounded LRU cache of states in front of a {@link UserStore} of records.
 * <ul>
 *   <li>{@link #stateFor}: the state to route with. A cached state adapted by the serving model is
 *       used as it is; otherwise the stored record is read, and if its fingerprint is another
 *       model's, the state is re-adapted from the stored feedback by the serving model (and stored
 *       again). A user without a record gets the model's prior, and takes no cache slot.</li>
 *   <li>{@link #addFeedback}: appends to the user's feedback (the oldest beyond the bound drop
 *       out), adapts at once, stores and caches the new state, and returns a future that completes
 *       when the record is durable. The next route for the user sees the new state.</li>
 * </ul>
 * Writes to one user are serialised by a striped lock; cache fills on the route path take the same
 * lock, so a slow reader can never put back a state older than a concurrent feedback's.
 */
public final class UserStates implements AutoCloseable {
    private static final int LOCK_STRIPES = 1024;

    /** A cached state and the fingerprint of the model that adapted it. */
    private record Cached(UserState state, String fingerprint) {}

    private final UserStore store;
    private final StripedLru<String, Cached> cache;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final int maxFeedback;
    private final Clock clock;
    private final ServeMetrics metrics;

    public UserStates(UserStore store, int maxUsersInMemory, int maxFeedbackPerUser, Clock clock, ServeMetrics metrics) {
        if (maxFeedbackPerUser < 1) throw new IllegalArgumentException("maxFeedbackPerUser must be >= 1");
        this.store = store;
        this.cache = new StripedLru<>(maxUsersInMemory, 16);
        this.maxFeedback = maxFeedbackPerUser;
        this.clock = clock;
        this.metrics = metrics;
        for (int i = 0; i < LOCK_STRIPES; i++) locks[i] = new ReentrantLock();
    }

    private ReentrantLock lockFor(String userId) {
        int h = userId.hashCode();
        return locks[(h ^ (h >>> 16)) & (LOCK_STRIPES - 1)];
    }

    /** The state to route {@code userId} with under {@code version}. */
    public UserState stateFor(String userId, ServingVersion version) {
        Cached c = cache.get(userId);
        if (c != null && c.fingerprint().equals(version.fingerprint())) return c.state();
        // Most users without feedback are answered here without a lock: nothing is cached for them.
        if (c == null && store.get(userId).isEmpty()) return version.prior();
        ReentrantLock lock = lockFor(userId);
        lock.lock();
        try {
            c = cache.get(userId);
            if (c != null && c.fingerprint().equals(version.fingerprint())) return c.state();
            Optional<UserRecord> stored = store.get(userId);
            if (stored.isEmpty()) return version.prior();
            UserState state = current(stored.get(), version);
            cache.put(userId, new Cached(state, version.fingerprint()));
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** The record's state if the serving model adapted it, else a re-adaptation (stored, not synced: it is derived). */
    private UserState current(UserRecord record, ServingVersion version) {
        if (record.artifactFingerprint().equals(version.fingerprint())) return record.state();
        UserState state = version.model().adapt(record.feedback());
        store.put(record.readapted(state, version.version(), version.fingerprint(), clock.millis()));
        metrics.readapted();
        return state;
    }

    /**
     * Adds one piece of feedback and adapts the user's state at once.
     *
     * @return completes when the updated record is durable in the store
     */
    public CompletableFuture<Void> addFeedback(String userId, Feedback feedback, ServingVersion version) {
        ReentrantLock lock = lockFor(userId);
        lock.lock();
        try {
            List<Feedback> all = new ArrayList<>(maxFeedback + 1);
            store.get(userId).ifPresent(r -> all.addAll(r.feedback()));
            all.add(feedback);
            // The most recent feedback says most about the user's preference now.
            List<Feedback> kept = all.size() > maxFeedback ? all.subList(all.size() - maxFeedback, all.size()) : all;
            UserState state = version.model().adapt(kept);
            store.put(new UserRecord(userId, kept, state, version.version(), version.fingerprint(), clock.millis()));
            cache.put(userId, new Cached(state, version.fingerprint()));
        } finally {
            lock.unlock();
        }
        return store.sync();
    }

    /** The stored record of a user (inspection and tests). */
    public Optional<UserRecord> record(String userId) {
        return store.get(userId);
    }

    /** Users whose state is cached in memory now. */
    public int usersInMemory() {
        return cache.size();
    }

    /** Users stored (with feedback). */
    public long usersStored() {
        return store.size();
    }

    public boolean persistent() {
        return store.persistent();
    }

    @Override
    public void close() {
        store.close();
    }
}
