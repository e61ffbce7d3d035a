package ai.metarouter.jobs.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What makes an ingested day usable for training (the nightly flow's "validate" step): few enough
 * lines quarantined (a high share means serving wrote a format ingest does not accept, or files
 * were damaged in transit) and enough events for the day.
 *
 * @param maxQuarantinedShare largest allowed share of quarantined lines, or null for no limit
 * @param minEvents fewest accepted events (in {@code dt}'s partition when {@code dt} is set)
 * @param dt the day the input is expected to hold, or null
 */
public record IngestValidation(Double maxQuarantinedShare, long minEvents, String dt) {

    /** Whether any limit is set. */
    public boolean active() {
        return maxQuarantinedShare != null || minEvents > 0;
    }

    /** Every violated limit, one phrase each; empty when the report passes. */
    public List<String> problems(IngestReport report) {
        List<String> problems = new ArrayList<>();
        if (maxQuarantinedShare != null) {
            double share = report.linesIn() == 0 ? 0 : (double) report.linesQuarantined() / report.linesIn();
            if (share > maxQuarantinedShare) {
                problems.add(String.format(Locale.ROOT, "%d of %d lines quarantined (%.2f%% > %.2f%%) %s", report.linesQuarantined(),
                        report.linesIn(), 100 * share, 100 * maxQuarantinedShare, report.quarantinedByReason()));
            }
        }
        long events = dt == null ? report.eventsAccepted() : report.eventsByDt().getOrDefault(dt, 0L);
        if (events < minEvents) {
            problems.add(events + " events accepted" + (dt == null ? "" : " for dt=" + dt) + ", fewer than the required " + minEvents);
        }
        return problems;
    }

    @Override
    public String toString() {
        return "max quarantined share " + (maxQuarantinedShare == null ? "none" : maxQuarantinedShare) + ", min events " + minEvents
                + (dt == null ? "" : " for dt=" + dt);
    }
}
