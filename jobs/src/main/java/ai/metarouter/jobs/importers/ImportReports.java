package ai.metarouter.jobs.importers;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Assembles the {@link ImportReport} of an import from its counts and its repeated ids. */
final class ImportReports {
    private ImportReports() {}

    /** The report; its constructor checks that the figures reconcile. */
    static ImportReport build(RouterBenchImporter.Options options, List<InputFile> files, List<String> models, Dataset<Row> parsed,
                                       DuplicateResolver resolver, ImportTally tally, Map<String, Long> rowsPerFile,
                                       long outcomeRows) {
        List<ImportReport.FileCounts> perFile = new ArrayList<>();
        for (InputFile f : files) {
            perFile.add(new ImportReport.FileCounts(f.name(), f.split(), rowsPerFile.getOrDefault(f.name(), 0L),
                    tally.acceptedPerFile().getOrDefault(f.name(), 0L), tally.quarantinedPerFile().getOrDefault(f.name(), 0L)));
        }
        List<ImportReport.DuplicateId> duplicates = duplicates(parsed, resolver);
        List<String> crossSplit = duplicates.stream().filter(d -> new HashSet<>(d.splits()).size() > 1)
                .map(ImportReport.DuplicateId::sampleId).collect(Collectors.toList());
        long rowsIn = rowsPerFile.values().stream().mapToLong(Long::longValue).sum();
        return new ImportReport(options.input(), models, options.onInvalid().wireName(), rowsIn, tally.accepted(),
                tally.quarantined(), tally.byReason(), tally.problemsByKind(), tally.queries(), tally.merged(), outcomeRows,
                perFile, duplicates, crossSplit);
    }

    /** Every id that occurs more than once, resolved again on the driver (duplicates are few) to describe it. */
    private static List<ImportReport.DuplicateId> duplicates(Dataset<Row> parsed, DuplicateResolver resolver) {
        Dataset<Row> repeated = parsed.groupBy("group_key").count().filter(col("count").gt(1)).select("group_key");
        Map<String, List<SourceRow>> groups = new TreeMap<>();
        for (Row r : parsed.join(repeated, "group_key").select(Arrays.stream(SourceRows.SCHEMA.fieldNames())
                .map(functions::col).toArray(Column[]::new)).collectAsList()) {
            SourceRow row = SourceRows.fromRow(r);
            groups.computeIfAbsent(row.sampleId(), k -> new ArrayList<>()).add(row);
        }
        List<ImportReport.DuplicateId> out = new ArrayList<>();
        for (Map.Entry<String, List<SourceRow>> g : groups.entrySet()) {
            List<SourceRow> rows = new ArrayList<>(g.getValue());
            rows.sort(Comparator.comparing(SourceRow::file).thenComparingLong(SourceRow::row));
            List<Decision> decided = resolver.resolve(rows);
            out.add(new ImportReport.DuplicateId(g.getKey(),
                    rows.stream().map(SourceRow::location).collect(Collectors.toList()),
                    rows.stream().map(SourceRow::split).collect(Collectors.toList()),
                    resolution(decided), resolver.differingColumns(rows)));
        }
        return out;
    }

    private static String resolution(List<Decision> decided) {
        if (decided.stream().anyMatch(d -> d.problems().contains(ProblemKind.DUPLICATE_ID_CONFLICT))) return "conflict_quarantined";
        if (decided.stream().anyMatch(d -> d.problems().contains(ProblemKind.CROSS_SPLIT_DUPLICATE))) return "kept_in_test";
        if (decided.stream().anyMatch(d -> d.status() == Decision.Status.MERGED)) return "merged";
        return "quarantined";
    }
}
