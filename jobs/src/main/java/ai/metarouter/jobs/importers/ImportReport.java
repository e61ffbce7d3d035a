package ai.metarouter.jobs.importers;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code import-report.json}: what came in and where every row went. The constructor refuses
 * figures that do not reconcile (rows in = accepted + quarantined, overall, by reason and per file;
 * accepted = distinct queries + merged duplicates; outcome rows = queries x models), so a report
 * that exists is a report that adds up.
 *
 * @param input the {@code --input} as given
 * @param models model ids taken from the header, in header order
 * @param invalidValuePolicy {@code fail} or {@code quarantine}
 * @param rowsIn data records read from all files
 * @param rowsAccepted rows imported, including duplicates merged into an identical imported row
 * @param rowsQuarantined rows written to the quarantine
 * @param quarantinedByReason quarantined rows per reason (each row counted once, under its reason)
 * @param problemsByKind rows having each kind of problem (a row may have several)
 * @param queriesAccepted distinct queries in the outcome table
 * @param mergedDuplicateRows accepted rows that were identical to another accepted row of the same split
 * @param outcomeRows rows of {@code outcomes/}: queries x models
 * @param files per-file counts
 * @param duplicateIds every sample_id that occurs more than once, and what was done with it
 * @param crossSplitIds sample_ids found in both the train and the test files
 */
@JsonPropertyOrder(alphabetic = false)
public record ImportReport(
        @JsonProperty("input") String input,
        @JsonProperty("models") List<String> models,
        @JsonProperty("invalid_value_policy") String invalidValuePolicy,
        @JsonProperty("rows_in") long rowsIn,
        @JsonProperty("rows_accepted") long rowsAccepted,
        @JsonProperty("rows_quarantined") long rowsQuarantined,
        @JsonProperty("quarantined_by_reason") Map<String, Long> quarantinedByReason,
        @JsonProperty("problems_by_kind") Map<String, Long> problemsByKind,
        @JsonProperty("queries_accepted") long queriesAccepted,
        @JsonProperty("merged_duplicate_rows") long mergedDuplicateRows,
        @JsonProperty("outcome_rows") long outcomeRows,
        @JsonProperty("files") List<FileCounts> files,
        @JsonProperty("duplicate_ids") List<DuplicateId> duplicateIds,
        @JsonProperty("cross_split_ids") List<String> crossSplitIds) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ImportReport {
        models = List.copyOf(models);
        // Sorted, so that the same import always writes the same report.
        quarantinedByReason = Collections.unmodifiableMap(new TreeMap<>(quarantinedByReason));
        problemsByKind = Collections.unmodifiableMap(new TreeMap<>(problemsByKind));
        files = List.copyOf(files);
        duplicateIds = List.copyOf(duplicateIds);
        crossSplitIds = List.copyOf(crossSplitIds);
        require(rowsIn == rowsAccepted + rowsQuarantined, "rows in " + rowsIn + " != accepted " + rowsAccepted
                + " + quarantined " + rowsQuarantined);
        long byReason = quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
        require(byReason == rowsQuarantined, "quarantined by reason sums to " + byReason + ", not " + rowsQuarantined);
        require(rowsAccepted == queriesAccepted + mergedDuplicateRows, "accepted " + rowsAccepted
                + " != queries " + queriesAccepted + " + merged duplicates " + mergedDuplicateRows);
        require(outcomeRows == queriesAccepted * models.size(), "outcome rows " + outcomeRows + " != queries "
                + queriesAccepted + " x models " + models.size());
        long fileRows = 0;
        for (FileCounts f : files) {
            require(f.rowsIn() == f.rowsAccepted() + f.rowsQuarantined(), f.file() + ": rows in " + f.rowsIn()
                    + " != accepted " + f.rowsAccepted() + " + quarantined " + f.rowsQuarantined());
            fileRows += f.rowsIn();
        }
        require(fileRows == rowsIn, "per-file rows sum to " + fileRows + ", not " + rowsIn);
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("import does not reconcile: " + what);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the import report", e);
        }
    }

    /** Counts of one input file; in = accepted + quarantined. */
    public record FileCounts(
            @JsonProperty("file") String file,
            @JsonProperty("split") String split,
            @JsonProperty("rows_in") long rowsIn,
            @JsonProperty("rows_accepted") long rowsAccepted,
            @JsonProperty("rows_quarantined") long rowsQuarantined) {}

    /**
     * One sample_id that occurs more than once.
     *
     * @param sampleId the id
     * @param occurrences where: {@code file row N (line L)}, in source order
     * @param splits the split of each occurrence
     * @param resolution {@code conflict_quarantined}, {@code merged}, {@code kept_in_test} or
     *     {@code quarantined} (identical rows, each with problems of its own)
     * @param differingColumns the compared columns in which the occurrences differ
     */
    public record DuplicateId(
            @JsonProperty("sample_id") String sampleId,
            @JsonProperty("occurrences") List<String> occurrences,
            @JsonProperty("splits") List<String> splits,
            @JsonProperty("resolution") String resolution,
            @JsonProperty("differing_columns") List<String> differingColumns) {}
}
