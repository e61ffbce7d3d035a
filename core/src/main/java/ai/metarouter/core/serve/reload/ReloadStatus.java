package ai.metarouter.core.serve.reload;

import java.time.Instant;

/**
 * What the watcher knows about reloading, for {@code /healthz} and {@code /metrics}.
 *
 * @param servingVersion the version being served
 * @param latestPointer what LATEST pointed at when last read (-1 if never read or missing)
 * @param refusedVersion the last version refused and not since superseded, or -1
 * @param refusedReason why it was refused, or null
 * @param lastError the last poll error (unreadable LATEST, refusal), or null once a poll succeeds
 * @param lastPoll when LATEST was last read, or null before the first poll
 */
public record ReloadStatus(int servingVersion, int latestPointer, int refusedVersion, String refusedReason, String lastError,
                           Instant lastPoll) {

    /** Whether the version LATEST names was refused (the server serves an older one on purpose). */
    public boolean refusing() {
        return refusedVersion > 0 && refusedVersion == latestPointer;
    }
}
