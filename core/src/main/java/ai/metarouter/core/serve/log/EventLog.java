package ai.metarouter.core.serve.log;

import ai.metarouter.core.data.InteractionEvent;
import java.util.concurrent.CompletableFuture;

/** Where serving records what it did and what users told it. */
public interface EventLog extends AutoCloseable {
    /**
     * Queues an event; it reaches disk within the log's sync interval. Blocks while the bounded
     * queue is full (backpressure), up to the log's enqueue timeout.
     *
     * @throws EventLogUnavailableException when the queue stayed full (the disk is failing or far behind)
     */
    void append(InteractionEvent event);

    /** Queues an event; the future completes once it is on disk (fsync'd). */
    CompletableFuture<Void> appendDurable(InteractionEvent event);

    /** Whether the last write succeeded (for {@code /healthz}). */
    boolean healthy();

    /** Writes everything queued, syncs, completes the current file. */
    @Override
    void close();

    /** A log that records nothing: serving without {@code --log-dir}. */
    static EventLog none() {
        return NoEventLog.INSTANCE;
    }
}
