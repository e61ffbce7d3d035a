package ai.metarouter.core.serve.reload;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.serve.metrics.ServeMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds the version being served and follows {@code LATEST}. Polling reads only the small LATEST
 * file ({@code ArtifactRegistry#latestPointer}); a new number triggers a full load and verification
 * off the request path, and only a verified version is swapped in, by one volatile write. Requests
 * read {@link #current()} once and finish on that version, so a swap never fails one.
 *
 * <p>A refused version is not retried on every poll (that would re-read a large corrupt file every
 * few seconds) but after {@code retryRefused}, in case an operator repairs it in place. LATEST
 * moving to an older version is a rollback and is followed like any other move.
 */
public final class ModelWatcher implements AutoCloseable {
    /** What one poll did. */
    public enum PollOutcome { UNCHANGED, SWAPPED, REFUSED, STILL_REFUSED, NO_POINTER, ERROR }

    private final VersionLoader loader;
    private final Duration retryRefused;
    private final Clock clock;
    private final ServeMetrics metrics;
    private final PrintStream log;
    private volatile ServingVersion current;
    private volatile ReloadStatus status;
    private final boolean pinned;
    private Instant refusedAt = Instant.MIN;
    private ScheduledExecutorService scheduler;

    private ModelWatcher(VersionLoader loader, ServingVersion initial, boolean pinned, Duration retryRefused, Clock clock,
                         ServeMetrics metrics, PrintStream log) {
        this.loader = loader;
        this.pinned = pinned;
        this.current = initial;
        this.retryRefused = retryRefused;
        this.clock = clock;
        this.metrics = metrics;
        this.log = log;
        this.status = new ReloadStatus(initial.version(), initial.version(), -1, null, null, clock.instant());
    }

    /**
     * Loads the version LATEST names. Startup fails (rather than serving nothing or something
     * unverified) when nothing is promoted or the promoted version is refused.
     */
    public static ModelWatcher open(VersionLoader loader, Duration retryRefused, Clock clock, ServeMetrics metrics,
                                    PrintStream log) throws IOException, VersionRefusedException {
        return open(loader, ArtifactLayout.LATEST_REF, retryRefused, clock, metrics, log);
    }

    /**
     * Loads {@code versionRef}: {@code latest} (then LATEST is followed), or a version number,
     * which is served as it is (pinned: evaluation, canaries, reproducing a decision) and never
     * replaced.
     */
    public static ModelWatcher open(VersionLoader loader, String versionRef, Duration retryRefused, Clock clock,
                                    ServeMetrics metrics, PrintStream log) throws IOException, VersionRefusedException {
        boolean pinned = !ArtifactLayout.LATEST_REF.equalsIgnoreCase(versionRef.strip());
        int version = pinned ? loader.registry().resolve(versionRef) : loader.registry().latestVersion();
        ServingVersion initial = loader.load(version);
        log.println("metarouter serve: serving " + loader.registry().uri() + " v" + initial.version()
                + " (" + initial.armIds().size() + " models" + (pinned ? ", pinned" : ", following LATEST") + ")");
        return new ModelWatcher(loader, initial, pinned, retryRefused, clock, metrics, log);
    }

    /** Whether the version is pinned (LATEST is not followed). */
    public boolean pinned() {
        return pinned;
    }

    /** Starts polling LATEST every {@code interval} on a daemon thread (a pinned watcher does not poll). */
    public synchronized void startPolling(Duration interval) {
        if (pinned) return;
        if (scheduler != null) throw new IllegalStateException("already polling");
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metarouter-artifact-watcher");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The version to serve a request with (read once per request). */
    public ServingVersion current() {
        return current;
    }

    public ReloadStatus status() {
        return status;
    }

    private void pollQuietly() {
        try {
            pollNow();
        } catch (RuntimeException e) {
            // The poller must survive anything; the next poll tries again.
            log.println("metarouter serve: artifact poll failed: " + e);
        }
    }

    /** One poll (the scheduler's, or a caller's who wants the effect now). */
    public synchronized PollOutcome pollNow() {
        if (pinned) return PollOutcome.UNCHANGED;
        Instant now = clock.instant();
        ServingVersion serving = current;
        ReloadStatus before = status;
        OptionalInt pointer;
        try {
            pointer = loader.registry().latestPointer();
        } catch (IOException | ArtifactException e) {
            metrics.reloadFailed();
            status = new ReloadStatus(serving.version(), before.latestPointer(), before.refusedVersion(), before.refusedReason(),
                    "cannot read LATEST: " + VersionLoader.oneLine(e), now);
            return PollOutcome.ERROR;
        }
        if (pointer.isEmpty()) {
            status = new ReloadStatus(serving.version(), -1, before.refusedVersion(), before.refusedReason(),
                    "LATEST is missing; serving v" + serving.version(), now);
            return PollOutcome.NO_POINTER;
        }
        int target = pointer.getAsInt();
        if (target == serving.version()) {
            status = new ReloadStatus(serving.version(), target, -1, null, null, now);
            return PollOutcome.UNCHANGED;
        }
        if (target == before.refusedVersion() && now.isBefore(refusedAt.plus(retryRefused))) {
            status = new ReloadStatus(serving.version(), target, before.refusedVersion(), before.refusedReason(),
                    before.lastError(), now);
            return PollOutcome.STILL_REFUSED;
        }
        try {
            ServingVersion next = loader.load(target);
            current = next;
            status = new ReloadStatus(next.version(), target, -1, null, null, now);
            metrics.reloaded();
            log.println("metarouter serve: now serving v" + next.version() + " (was v" + serving.version() + ")");
            return PollOutcome.SWAPPED;
        } catch (VersionRefusedException e) {
            refusedAt = now;
            metrics.reloadFailed();
            status = new ReloadStatus(serving.version(), target, target, e.getMessage(), e.getMessage(), now);
            log.println("metarouter serve: " + e.getMessage() + "; still serving v" + serving.version());
            return PollOutcome.REFUSED;
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService s;
        // Not holding the monitor while waiting: the poller may be waiting for it.
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        if (s == null) return;
        s.shutdownNow();
        try {
            s.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
