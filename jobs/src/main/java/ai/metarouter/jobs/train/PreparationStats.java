package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.UserCap;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of the split-by-user pass, summed over prepared users with {@link #add} and
 * {@link #merge} (a treeAggregate). Every user read is either admitted or rejected for a counted
 * reason; every event read is either kept or dropped by the cap; of the kept events of admitted
 * users, the unusable ones are counted as skipped. Mutable: a fold's working buffer.
 */
public final class PreparationStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long users;
    private long admittedUsers;
    private long tooFewEvents;
    private long nothingToScore;
    private long cappedUsers;
    private long eventsRead;
    private long eventsKept;
    private long admittedEvents;
    private long skippedEvents;
    private long maxUserEvents;
    private long minTsMillis = Long.MAX_VALUE;
    private long maxTsMillis = Long.MIN_VALUE;

    /** Adds one encoded prepared user (header and, for admitted users, the task's event counts). */
    public PreparationStats add(PreparedUser u) {
        users++;
        eventsRead += u.originalEvents();
        eventsKept += u.keptEvents();
        if (u.keptEvents() < u.originalEvents()) cappedUsers++;
        maxUserEvents = Math.max(maxUserEvents, u.originalEvents());
        minTsMillis = Math.min(minTsMillis, u.minTsMillis());
        maxTsMillis = Math.max(maxTsMillis, u.maxTsMillis());
        if (u.admitted()) {
            admittedUsers++;
            admittedEvents += u.task().events().size();
            skippedEvents += u.task().skippedEvents();
        } else if (u.rejection() == UserCap.Rejection.TOO_FEW_EVENTS) {
            tooFewEvents++;
        } else {
            nothingToScore++;
        }
        return this;
    }

    public PreparationStats merge(PreparationStats o) {
        users += o.users;
        admittedUsers += o.admittedUsers;
        tooFewEvents += o.tooFewEvents;
        nothingToScore += o.nothingToScore;
        cappedUsers += o.cappedUsers;
        eventsRead += o.eventsRead;
        eventsKept += o.eventsKept;
        admittedEvents += o.admittedEvents;
        skippedEvents += o.skippedEvents;
        maxUserEvents = Math.max(maxUserEvents, o.maxUserEvents);
        minTsMillis = Math.min(minTsMillis, o.minTsMillis);
        maxTsMillis = Math.max(maxTsMillis, o.maxTsMillis);
        return this;
    }

    /** Users read (admitted + rejected). */
    public long users() {
        return users;
    }

    public long admittedUsers() {
        return admittedUsers;
    }

    public long rejectedUsers() {
        return tooFewEvents + nothingToScore;
    }

    /** Users with fewer usable events than the minimum. */
    public long tooFewEvents() {
        return tooFewEvents;
    }

    /** Users with no query-set event the objective can score. */
    public long nothingToScore() {
        return nothingToScore;
    }

    /** Users whose events were capped. */
    public long cappedUsers() {
        return cappedUsers;
    }

    /** Events read from the log slice. */
    public long eventsRead() {
        return eventsRead;
    }

    /** Events kept after capping (all users). */
    public long eventsKept() {
        return eventsKept;
    }

    /** Usable task events of admitted users: what training sees. */
    public long admittedEvents() {
        return admittedEvents;
    }

    /** Kept events of admitted users that could not be used (invalid, unknown chosen model). */
    public long skippedEvents() {
        return skippedEvents;
    }

    /** The largest number of events one user had. */
    public long maxUserEvents() {
        return maxUserEvents;
    }

    /** UTC date of the earliest event, or null when nothing was read. */
    public LocalDate firstDate() {
        return users == 0 ? null : LocalDate.ofInstant(Instant.ofEpochMilli(minTsMillis), ZoneOffset.UTC);
    }

    /** UTC date of the latest event, or null when nothing was read. */
    public LocalDate lastDate() {
        return users == 0 ? null : LocalDate.ofInstant(Instant.ofEpochMilli(maxTsMillis), ZoneOffset.UTC);
    }

    /** JSON-able summary for the manifest and the training log. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("users_read", users);
        m.put("users_admitted", admittedUsers);
        m.put("users_too_few_events", tooFewEvents);
        m.put("users_nothing_to_score", nothingToScore);
        m.put("users_capped", cappedUsers);
        m.put("events_read", eventsRead);
        m.put("events_kept", eventsKept);
        m.put("events_trained", admittedEvents);
        m.put("events_skipped", skippedEvents);
        m.put("max_user_events", maxUserEvents);
        return m;
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
