package ai.metarouter.core.serve.state;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * User records in memory only, for serving without {@code --state-dir} (tests, stateless
 * replicas): bounded to {@code capacity} users, least recently used out, and gone on restart.
 */
public final class MemoryUserStore implements UserStore {
    private final StripedLru<String, UserRecord> records;

    public MemoryUserStore(int capacity) {
        this.records = new StripedLru<>(capacity, 16);
    }

    @Override
    public Optional<UserRecord> get(String userId) {
        return Optional.ofNullable(records.get(userId));
    }

    @Override
    public void put(UserRecord record) {
        records.put(record.userId(), record);
    }

    @Override
    public CompletableFuture<Void> sync() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public long size() {
        return records.size();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
