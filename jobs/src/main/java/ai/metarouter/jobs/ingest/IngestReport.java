package ai.metarouter.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest-report.json}: what was read, accepted and quarantined, reconciled.
 *
 * @param input the serve log directory read
 * @param files per complete file read: lines, accepted, quarantined
 * @param inProgressFiles files skipped because serve was still writing them
 * @param linesIn lines read
 * @param eventsAccepted events written to the dt= partitions
 * @param linesQuarantined lines written to quarantine/
 * @param quarantinedByReason per reason code
 * @param eventsByType accepted events per event_type
 * @param eventsByDt accepted events per dt partition
 */
public record IngestReport(String input, List<FileCounts> files, List<String> inProgressFiles, long linesIn, long eventsAccepted,
                           long linesQuarantined, Map<String, Long> quarantinedByReason, Map<String, Long> eventsByType,
                           Map<String, Long> eventsByDt) {

    /** One input file's counts. */
    public record FileCounts(String file, long lines, long accepted, long quarantined) {}

    public IngestReport {
        files = List.copyOf(files);
        inProgressFiles = List.copyOf(inProgressFiles);
        quarantinedByReason = Map.copyOf(quarantinedByReason);
        eventsByType = Map.copyOf(eventsByType);
        eventsByDt = Map.copyOf(eventsByDt);
        if (linesIn != eventsAccepted + linesQuarantined) {
            throw new IllegalStateException("ingest counts do not reconcile: lines in " + linesIn + " != accepted " + eventsAccepted
                    + " + quarantined " + linesQuarantined);
        }
        long byReason = quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
        if (byReason != linesQuarantined) {
            throw new IllegalStateException("quarantine reasons sum to " + byReason + ", not " + linesQuarantined);
        }
        for (FileCounts f : files) {
            if (f.lines() != f.accepted() + f.quarantined()) {
                throw new IllegalStateException(f.file() + ": lines " + f.lines() + " != accepted " + f.accepted() + " + quarantined "
                        + f.quarantined());
            }
        }
        if (files.stream().mapToLong(FileCounts::lines).sum() != linesIn) throw new IllegalStateException("per-file lines do not sum to lines in");
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("input", input);
        root.put("lines_in", linesIn);
        root.put("events_accepted", eventsAccepted);
        root.put("lines_quarantined", linesQuarantined);
        ObjectNode reasons = root.putObject("quarantined_by_reason");
        quarantinedByReason.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> reasons.put(e.getKey(), e.getValue()));
        ObjectNode types = root.putObject("events_by_type");
        eventsByType.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> types.put(e.getKey(), e.getValue()));
        ObjectNode dts = root.putObject("events_by_dt");
        eventsByDt.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> dts.put(e.getKey(), e.getValue()));
        ArrayNode fileArray = root.putArray("files");
        for (FileCounts f : files) {
            fileArray.addObject().put("file", f.file()).put("lines", f.lines()).put("accepted", f.accepted()).put("quarantined", f.quarantined());
        }
        ArrayNode skipped = root.putArray("in_progress_files_skipped");
        inProgressFiles.forEach(skipped::add);
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
