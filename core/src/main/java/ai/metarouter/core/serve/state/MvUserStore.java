package ai.metarouter.core.serve.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * User records in an H2 MVStore file, {@code <state-dir>/users.mv}: a pure-Java, copy-on-write
 * B-tree store whose commits are atomic (a crash leaves the last committed version) and whose file
 * is locked against a second process. Reads are lock-free. {@link #sync()} commits and fsyncs,
 * grouped across concurrent callers; MVStore's own background commit (every second) bounds how
 * much unsynced work re-adaptations can pile up. The page cache is bounded ({@code cacheMb}).
 */
public final class MvUserStore implements UserStore {
    public static final String FILE_NAME = "users.mv";
    private static final String MAP_NAME = "users";
    /** Time given to compaction on close, so the file does not only grow across restarts. */
    private static final int CLOSE_COMPACT_MILLIS = 2000;

    private final Path file;
    private final MVStore store;
    private final MVMap<String, byte[]> users;
    private final GroupCommit committer;

    private MvUserStore(Path file, MVStore store) {
        this.file = file;
        this.store = store;
        this.users = store.openMap(MAP_NAME);
        this.committer = new GroupCommit("metarouter-state-commit", () -> {
            store.commit();
            store.sync();
        });
    }

    /** Opens (creating) the store in {@code stateDir}; fails with a clear message if another process holds it. */
    public static MvUserStore open(Path stateDir, int cacheMb) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(FILE_NAME);
        try {
            MVStore store = new MVStore.Builder().fileName(file.toString()).cacheSize(cacheMb).open();
            return new MvUserStore(file, store);
        } catch (MVStoreException e) {
            throw new IOException("cannot open the user state store " + file + " (is another server using --state-dir "
                    + stateDir + "?): " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<UserRecord> get(String userId) {
        byte[] bytes = users.get(userId);
        return bytes == null ? Optional.empty() : Optional.of(UserRecordCodec.decode(userId, bytes));
    }

    @Override
    public void put(UserRecord record) {
        users.put(record.userId(), UserRecordCodec.encode(record));
    }

    @Override
    public CompletableFuture<Void> sync() {
        return committer.request();
    }

    @Override
    public long size() {
        return users.sizeAsLong();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        committer.close();
        store.close(CLOSE_COMPACT_MILLIS);
    }
}
