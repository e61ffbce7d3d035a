package ai.metarouter.core.serve.log;

import ai.metarouter.core.data.InteractionEvent;
import java.util.concurrent.CompletableFuture;

/** {@link EventLog#none()}: serving without {@code --log-dir} keeps no record. */
enum NoEventLog implements EventLog {
    INSTANCE;

    @Override
    public void append(InteractionEvent event) {
        // Nothing is recorded: the operator chose not to log.
    }

    @Override
    public CompletableFuture<Void> appendDurable(InteractionEvent event) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        // Nothing to flush.
    }
}
