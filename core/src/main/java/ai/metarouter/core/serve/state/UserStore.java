package ai.metarouter.core.serve.state;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Where user records live. Implementations are thread-safe; one writer per user is the caller's job. */
public interface UserStore extends AutoCloseable {
    Optional<UserRecord> get(String userId);

    void put(UserRecord record);

    /** Completes once every put that happened before the call is durable (group commit). */
    CompletableFuture<Void> sync();

    /** Number of users stored. */
    long size();

    /** Whether records survive a restart. */
    boolean persistent();

    @Override
    void close();
}
