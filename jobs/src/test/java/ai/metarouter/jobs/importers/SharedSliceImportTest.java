package ai.metarouter.jobs.importers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.jobs.io.LocalSpark;
import ai.metarouter.jobs.io.OutcomeDatasetLayout;
import ai.metarouter.jobs.io.OutcomeDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports the real RouterBench slice (../shared/data/routerbench-zs, system property
 * {@code metarouter.shared.data}) once and checks the result against an independent reading of
 * the same CSVs by Spark's own CSV source (multiLine, escape '"'), and against the figures the
 * slice's README states (3,178 rows, 3,164 distinct ids, 14 ids twice, 28 rows with empty scores,
 * 11 models). Skipped, not failed, on a checkout without the shared data.
 */
class SharedSliceImportTest {
    /** From shared/data/README.md, which describes the slice; not taken from a run of this code. */
    private static final long README_ROWS = 3_178;
    private static final long README_DISTINCT_IDS = 3_164;
    private static final long README_DUPLICATED_IDS = 14;
    private static final long README_EMPTY_SCORE_ROWS = 28;
    private static final int README_MODELS = 11;

    @TempDir
    static Path tmp;

    private static SparkSession spark;
    private static Path slice;
    private static String out;
    private static ImportReport report;
    private static Dataset<Row> source;
    private static List<String> scoreColumns;

    @BeforeAll
    static void importTheSlice() {
        slice = Path.of(System.getProperty("metarouter.shared.data", "../shared/data"), "routerbench-zs");
        assumeTrue(Files.isDirectory(slice), "shared data not present at " + slice);
        spark = LocalSpark.start(SharedSliceImportTest.class);
        out = tmp.resolve("routerbench").toString();
        report = new RouterBenchImporter(spark, line -> { })
                .run(new RouterBenchImporter.Options(slice.toString(), out, InvalidValuePolicy.FAIL, false));
        source = spark.read().option("header", true).option("multiLine", true).option("escape", "\"")
                .csv(slice.resolve("*.csv").toString())
                .withColumn("file", org.apache.spark.sql.functions.regexp_extract(input_file_name(), "([^/]+)$", 1))
                .cache();
        scoreColumns = Arrays.stream(source.columns())
                .filter(c -> !c.contains("|") && !List.of("_c0", "sample_id", "prompt", "eval_name", "file",
                        "oracle_model_to_route_to").contains(c))
                .collect(Collectors.toList());
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void everyRowIsAccountedForToTheLastRow() {
        assertEquals(README_ROWS, source.count());
        assertEquals(source.count(), report.rowsIn());
        assertEquals(report.rowsIn(), report.rowsAccepted() + report.rowsQuarantined());
        assertEquals(report.rowsQuarantined(), report.quarantinedByReason().values().stream().mapToLong(Long::longValue).sum());
        Map<String, Long> perFile = new TreeMap<>();
        for (Row r : source.groupBy("file").count().collectAsList()) perFile.put(r.getString(0), r.getLong(1));
        assertEquals(perFile, report.files().stream()
                .collect(Collectors.toMap(ImportReport.FileCounts::file, ImportReport.FileCounts::rowsIn, (a, b) -> a, TreeMap::new)));
        assertEquals(report.rowsQuarantined(), spark.read().json(OutcomeDatasetLayout.of(out).quarantine().toString()).count());
    }

    @Test
    void allElevenModelsAreKeptFromTheHeader() {
        assertEquals(README_MODELS, scoreColumns.size());
        assertEquals(new HashSet<>(scoreColumns), new HashSet<>(report.models()));
        ModelCatalog catalog = OutcomeDatasets.readCatalog(spark, out);
        assertEquals(report.models(), catalog.ids());
        for (ModelInfo m : catalog.models()) {
            assertEquals(report.queriesAccepted(), m.queries(), m.id());
            assertTrue(m.meanCostUsd() > 0, m.id());
            assertEquals(null, m.inputPrice());
        }
        double cheapest = catalog.models().stream().mapToDouble(ModelInfo::meanCostUsd).min().orElseThrow();
        double dearest = catalog.models().stream().mapToDouble(ModelInfo::meanCostUsd).max().orElseThrow();
        assertTrue(dearest / cheapest > 50, "the README's ~60x cost spread: " + dearest / cheapest);
        assertEquals(report.queriesAccepted() * README_MODELS, OutcomeDatasets.read(spark, out).count());
    }

    @Test
    void theDuplicatedIdsAndEmptyScoreRowsAreAccountedFor() {
        assertEquals(README_DISTINCT_IDS, source.select("sample_id").distinct().count());
        Set<String> duplicated = ids(source.groupBy("sample_id").count().filter(col("count").gt(1)));
        assertEquals(README_DUPLICATED_IDS, duplicated.size());
        assertEquals(duplicated, report.duplicateIds().stream().map(ImportReport.DuplicateId::sampleId).collect(Collectors.toSet()));

        Column anyEmpty = scoreColumns.stream().map(c -> col("`" + c + "`").isNull()).reduce(Column::or).orElseThrow();
        Dataset<Row> emptyScoreRows = source.filter(anyEmpty);
        assertEquals(README_EMPTY_SCORE_ROWS, emptyScoreRows.count());
        assertEquals(README_EMPTY_SCORE_ROWS, report.problemsByKind().get("empty_score"));

        // Every empty-score row and every occurrence of a conflicting duplicate is in the quarantine.
        Dataset<Row> quarantine = spark.read().json(OutcomeDatasetLayout.of(out).quarantine().toString());
        Set<String> quarantined = keys(quarantine.select("source_file", "sample_id"));
        assertTrue(quarantined.containsAll(keys(emptyScoreRows.select("file", "sample_id"))));
        for (ImportReport.DuplicateId d : report.duplicateIds()) {
            if (d.resolution().equals("conflict_quarantined")) {
                assertEquals(d.occurrences().size(), quarantine.filter(col("sample_id").equalTo(d.sampleId())).count());
            }
        }
    }

    @Test
    void nothingIsDroppedSilentlyAndNoTestQueryLeaksIntoTrain() {
        Dataset<Row> outcomes = OutcomeDatasets.read(spark, out);
        Set<String> imported = ids(outcomes.select("query_id").distinct());
        Set<String> quarantined = ids(spark.read().json(OutcomeDatasetLayout.of(out).quarantine().toString()).select("sample_id"));
        Set<String> input = ids(source.select("sample_id").distinct());
        Set<String> accounted = new HashSet<>(imported);
        accounted.addAll(quarantined);
        assertEquals(input, accounted);

        Set<String> testIds = ids(source.filter(col("file").endsWith("_test.csv")).select("sample_id"));
        Set<String> trainImported = ids(outcomes.filter(col("split").equalTo("train")).select("query_id").distinct());
        trainImported.retainAll(testIds);
        assertEquals(Set.of(), trainImported);
        assertEquals(Set.copyOf(report.crossSplitIds()),
                ids(source.groupBy("sample_id").agg(org.apache.spark.sql.functions.countDistinct(
                        org.apache.spark.sql.functions.regexp_extract(col("file"), "_(train|test)\\.csv$", 1)).as("n"))
                        .filter(col("n").gt(1))));
    }

    @Test
    void promptsAreTextNotPythonLiterals() {
        Dataset<Row> outcomes = OutcomeDatasets.read(spark, out);
        assertEquals(0, outcomes.filter(col("prompt").startsWith("['").or(col("prompt").startsWith("[\""))).count());
        assertTrue(outcomes.filter(col("prompt").contains("\n")).count() > 0, "escaped newlines became real ones");
        assertEquals(0, outcomes.filter(col("prompt").contains("\\n")).count());
    }

    private static Set<String> ids(Dataset<Row> oneColumn) {
        return oneColumn.collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toCollection(HashSet::new));
    }

    private static Set<String> keys(Dataset<Row> twoColumns) {
        return twoColumns.collectAsList().stream().map(r -> r.getString(0) + "/" + r.getString(1)).collect(Collectors.toSet());
    }
}
