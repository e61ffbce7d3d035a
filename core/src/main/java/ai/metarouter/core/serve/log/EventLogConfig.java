package ai.metarouter.core.serve.log;

import java.time.Duration;

/**
 * Bounds and timing of the rotating event log.
 *
 * @param maxFileBytes a file is completed once it reaches this size
 * @param maxFileAge a file is completed once it is this old (so ingest never waits long for data)
 * @param syncInterval at most this long between an event being written and its fsync; events whose
 *        caller waits ({@link EventLog#appendDurable}) are synced in their own batch
 * @param queueCapacity events queued for the writer at most (the memory bound)
 * @param enqueueTimeout how long {@link EventLog#append} waits for room before giving up
 */
public record EventLogConfig(long maxFileBytes, Duration maxFileAge, Duration syncInterval, int queueCapacity,
                             Duration enqueueTimeout) {
    public EventLogConfig {
        if (maxFileBytes < 4096) throw new IllegalArgumentException("maxFileBytes must be >= 4096");
        if (maxFileAge.isNegative() || maxFileAge.isZero()) throw new IllegalArgumentException("maxFileAge must be > 0");
        if (syncInterval.isNegative()) throw new IllegalArgumentException("syncInterval must be >= 0");
        if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1");
        if (enqueueTimeout.isNegative()) throw new IllegalArgumentException("enqueueTimeout must be >= 0");
    }

    public static EventLogConfig defaults() {
        return new EventLogConfig(64L << 20, Duration.ofHours(1), Duration.ofMillis(50), 65_536, Duration.ofSeconds(2));
    }

    public EventLogConfig withMaxFileBytes(long bytes) {
        return new EventLogConfig(bytes, maxFileAge, syncInterval, queueCapacity, enqueueTimeout);
    }

    public EventLogConfig withMaxFileAge(Duration age) {
        return new EventLogConfig(maxFileBytes, age, syncInterval, queueCapacity, enqueueTimeout);
    }
}
