package ai.metarouter.jobs.importers;

import java.util.List;

/**
 * What the import did with one source row. Every row gets exactly one decision, which is what makes
 * rows in = accepted + quarantined hold.
 *
 * @param row the source row
 * @param status accepted, merged into an identical accepted row, or quarantined
 * @param reason the quarantine reason (the row's first problem by precedence); null unless quarantined
 * @param detail for people: every problem, and for duplicates where the other rows are and what differs
 * @param problems every problem kind of this row, its own and those found by comparing duplicates
 */
public record Decision(SourceRow row, Status status, ProblemKind reason, String detail, List<ProblemKind> problems) {
    /** Outcome of one source row. */
    public enum Status {
        /** Imported: its query appears in the outcome table. */
        ACCEPTED,
        /** Identical to an accepted row with the same id in the same split: imported once, through that row. */
        MERGED,
        /** Not imported; written to the quarantine with {@link #reason()}. */
        QUARANTINED
    }

    public Decision {
        problems = List.copyOf(problems);
        if ((status == Status.QUARANTINED) != (reason != null)) {
            throw new IllegalArgumentException("a quarantined decision needs a reason, and only it: " + row.location());
        }
    }

    /** True when the row counts as accepted in the report (imported itself or merged into one that was). */
    public boolean accepted() {
        return status != Status.QUARANTINED;
    }
}
