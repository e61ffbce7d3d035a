package ai.metarouter.core.serve.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit: callers ask for durability, one thread runs the (expensive, fsync-bound) commit
 * for everyone who asked since the last one. N concurrent feedback requests cost one fsync, not N.
 * A request made while a commit runs waits for the next one, so when a caller's future completes,
 * everything it wrote before asking is durable.
 */
final class GroupCommit implements AutoCloseable {
    /** The commit itself. */
    interface Action {
        void run() throws Exception;
    }

    private final Action action;
    private final Thread thread;
    private List<CompletableFuture<Void>> pending = new ArrayList<>();
    private boolean closed;

    GroupCommit(String name, Action action) {
        this.action = action;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    CompletableFuture<Void> request() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                f.completeExceptionally(new IllegalStateException("the store is closed"));
                return f;
            }
            pending.add(f);
            notifyAll();
        }
        return f;
    }

    private void run() {
        while (true) {
            List<CompletableFuture<Void>> batch;
            synchronized (this) {
                while (pending.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // Only close() ends the committer; waiters must not be stranded.
                    }
                }
                if (pending.isEmpty()) return;
                batch = pending;
                pending = new ArrayList<>();
            }
            try {
                action.run();
                for (CompletableFuture<Void> f : batch) f.complete(null);
            } catch (Exception | Error e) {
                for (CompletableFuture<Void> f : batch) f.completeExceptionally(e);
            }
        }
    }

    /** Commits what is pending, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
