package ai.metarouter.jobs.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.jobs.io.LocalSpark;
import ai.metarouter.jobs.io.OutcomeDatasetLayout;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.io.SafeOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The importer on hand-made CSVs whose every row has a known fate (see the comments on
 * {@link #mixedFixtureEndsExactlyAsConstructed}), and on one bad file per kind of bad input.
 */
class RouterBenchImporterTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(RouterBenchImporterTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private ImportReport importInto(String input, String output, InvalidValuePolicy policy) {
        return new RouterBenchImporter(spark, line -> { }).run(new RouterBenchImporter.Options(input, output, policy, false));
    }

    /**
     * mini_train.csv: q1 (line 2-4, a multi-line response), q2, q3 (two-element prompt), q4 (empty
     * beta-chat score), q1 again identical, q5, q6 (identical to test's q6), q5 again with another
     * gamma-xl score. mini_test.csv (models in another column order): q6, q7 (plain-text prompt),
     * q8 (lines 4-6).
     */
    @Test
    void mixedFixtureEndsExactlyAsConstructed() throws Exception {
        String out = tmp.resolve("out").toString();
        ImportReport report = importInto(Fixtures.mixed(), out, InvalidValuePolicy.FAIL);

        assertEquals(List.of("gamma-xl", "acme/alpha-7b", "beta-chat"), report.models(), "first file's header order");
        assertEquals(11, report.rowsIn());
        assertEquals(7, report.rowsAccepted());
        assertEquals(4, report.rowsQuarantined());
        assertEquals(Map.of("empty_score", 1L, "duplicate_id_conflict", 2L, "cross_split_duplicate", 1L),
                report.quarantinedByReason());
        assertEquals(6, report.queriesAccepted());
        assertEquals(1, report.mergedDuplicateRows());
        assertEquals(18, report.outcomeRows());
        assertEquals(List.of("q6"), report.crossSplitIds());
        Map<String, ImportReport.DuplicateId> dups = report.duplicateIds().stream()
                .collect(Collectors.toMap(ImportReport.DuplicateId::sampleId, d -> d));
        assertEquals(Set.of("q1", "q5", "q6"), dups.keySet());
        assertEquals("merged", dups.get("q1").resolution());
        assertEquals("conflict_quarantined", dups.get("q5").resolution());
        assertEquals(List.of("gamma-xl"), dups.get("q5").differingColumns());
        assertEquals("kept_in_test", dups.get("q6").resolution());
        assertEquals(List.of("mini_test.csv row 1 (line 2)", "mini_train.csv row 7 (line 10)"), dups.get("q6").occurrences());

        OutcomeTable table = OutcomeDatasets.readTable(spark, out);
        assertEquals(List.of("q1", "q2", "q3", "q6", "q7", "q8"), table.queries().stream().map(q -> q.id()).toList());
        assertEquals("def f():\n    return 'x'", table.query(0).prompt());
        assertEquals("it's fine", table.query(1).prompt());
        assertEquals("turn one\nturn two", table.query(2).prompt());
        assertEquals("test", table.query(3).split());
        assertEquals("What is 2+2?", table.query(4).prompt());
        assertEquals("a \"quoted\" word\tand it's a tab", table.query(5).prompt());
        int gamma = table.modelIndex("gamma-xl");
        int alpha = table.modelIndex("acme/alpha-7b");
        assertEquals(0.02, table.cost(3, gamma), "columns matched by name across files with different orders");
        assertEquals(2e-05, table.cost(4, alpha));
        assertEquals(0.0, table.quality(4, alpha));

        ModelCatalog catalog = OutcomeDatasets.readCatalog(spark, out);
        assertEquals("routerbench", catalog.source());
        assertEquals((0.01 + 0.01 + 0.01 + 0.02 + 0.0125 + 0.01) / 6, catalog.get("gamma-xl").meanCostUsd(), 1e-15);
        assertEquals(6, catalog.get("beta-chat").queries());
        assertEquals(null, catalog.get("beta-chat").inputPrice());

        List<Row> quarantine = spark.read().json(OutcomeDatasetLayout.of(out).quarantine().toString())
                .orderBy("source_file", "source_row").collectAsList();
        assertEquals(List.of("mini_train.csv:4:7:q4:empty_score", "mini_train.csv:6:9:q5:duplicate_id_conflict",
                        "mini_train.csv:7:10:q6:cross_split_duplicate", "mini_train.csv:8:11:q5:duplicate_id_conflict"),
                quarantine.stream().map(r -> r.getAs("source_file") + ":" + r.getAs("source_row") + ":"
                        + r.getAs("source_line") + ":" + r.getAs("sample_id") + ":" + r.getAs("reason")).toList());
        assertTrue(quarantine.get(0).<String>getAs("detail").contains("empty_score in column 'beta-chat'"));

        Set<String> everyInputId = Set.of("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8");
        Set<String> accountedFor = new HashSet<>(table.queries().stream().map(q -> q.id()).toList());
        quarantine.forEach(r -> accountedFor.add(r.getAs("sample_id")));
        assertEquals(everyInputId, accountedFor, "nothing silently dropped");
        assertTrue(Files.isRegularFile(Path.of(out, OutcomeDatasetLayout.IMPORT_REPORT_FILE)));
    }

    @Test
    void theSameInputGivesTheSameOutput() throws Exception {
        String a = tmp.resolve("a").toString();
        String b = tmp.resolve("b").toString();
        ImportReport first = importInto(Fixtures.mixed(), a, InvalidValuePolicy.FAIL);
        ImportReport second = importInto(Fixtures.mixed(), b, InvalidValuePolicy.FAIL);
        assertEquals(first.toJson(), second.toJson());
        assertEquals(Files.readString(Path.of(a, "models.json")), Files.readString(Path.of(b, "models.json")));
        assertEquals(OutcomeDatasets.read(spark, a).collectAsList(), OutcomeDatasets.read(spark, b).collectAsList());
        assertEquals(quarantineText(a), quarantineText(b));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "non_numeric_score_train.csv    | non_numeric_score_train.csv row 2 (line 3): non_numeric_score in column 'beta-chat': 'abc'",
        "nan_score_train.csv            | nan_score_train.csv row 2 (line 3): nan_score in column 'acme/alpha-7b': 'NaN'",
        "score_out_of_range_train.csv   | score_out_of_range_train.csv row 2 (line 3): score_out_of_range in column 'beta-chat': '1.5'",
        "negative_cost_train.csv        | negative_cost_train.csv row 2 (line 3): negative_cost in column 'beta-chat|total_cost': '-0.001'",
        "nan_cost_train.csv             | nan_cost_train.csv row 2 (line 3): nan_cost in column 'gamma-xl|total_cost': 'nan'",
        "unparseable_prompt_train.csv   | unparseable_prompt_train.csv row 2 (line 3): unparseable_prompt in column 'prompt'",
        "short_row_train.csv            | short_row_train.csv row 2 (line 3): malformed_row: '11 fields where the header has 14'",
        "missing_cost_column_train.csv  | missing_cost_column_train.csv: column 'gamma-xl' has no 'gamma-xl|total_cost' column",
        "missing_eval_name_train.csv    | missing_eval_name_train.csv: missing column 'eval_name'",
        "header_only_train.csv          | header_only_train.csv: no data rows (header only)",
        "empty_train.csv                | empty_train.csv: empty file (no header row)",
        "no_split_in_name.csv           | no_split_in_name.csv: cannot tell the split from the file name",
        "broken_quotes_train.csv        | broken_quotes_train.csv line 3: malformed CSV",
        "models_differ                  | b_test.csv: models differ from a_train.csv (missing columns [gamma-xl], extra columns [])",
    })
    void badInputFailsInOneLineNamingTheFileAndLeavesNoOutput(String file, String expected) throws Exception {
        Path out = tmp.resolve("out");
        ImportException e = assertThrows(ImportException.class,
                () -> importInto(Fixtures.bad(file), out.toString(), InvalidValuePolicy.FAIL));
        assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(out), "no output");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "no staging directory left behind");
        }
    }

    @Test
    void missingAndEmptyInputsFail() throws Exception {
        String missing = tmp.resolve("nope").toString();
        ImportException e = assertThrows(ImportException.class,
                () -> importInto(missing, tmp.resolve("out").toString(), InvalidValuePolicy.FAIL));
        assertEquals("--input " + missing + ": no such file or directory", e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(ImportException.class,
                () -> importInto(empty.toString(), tmp.resolve("out").toString(), InvalidValuePolicy.FAIL));
        assertTrue(e.getMessage().endsWith("directory has no .csv files"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    /** The seven invalid-value files together: each has g1, one bad row and g3; g1 and g3 agree across files. */
    @Test
    void invalidValuesAreQuarantinedWhenAskedTo() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        List<String> files = List.of("non_numeric_score_train.csv", "nan_score_train.csv", "score_out_of_range_train.csv",
                "negative_cost_train.csv", "nan_cost_train.csv", "unparseable_prompt_train.csv", "short_row_train.csv");
        for (String f : files) Files.copy(Path.of(Fixtures.bad(f)), in.resolve(f));

        ImportException strict = assertThrows(ImportException.class,
                () -> importInto(in.toString(), tmp.resolve("strict").toString(), InvalidValuePolicy.FAIL));
        assertTrue(strict.getMessage().startsWith("nan_cost_train.csv row 2 (line 3)"), "first by file and row: "
                + strict.getMessage());

        ImportReport report = importInto(in.toString(), tmp.resolve("out").toString(), InvalidValuePolicy.QUARANTINE);
        assertEquals(21, report.rowsIn());
        assertEquals(Map.of("non_numeric_score", 1L, "nan_score", 1L, "score_out_of_range", 1L, "negative_cost", 1L,
                "nan_cost", 1L, "unparseable_prompt", 1L, "malformed_row", 1L), report.quarantinedByReason());
        assertEquals(2, report.queriesAccepted());
        assertEquals(12, report.mergedDuplicateRows());
        assertEquals("quarantine", report.invalidValuePolicy());
        for (ImportReport.FileCounts f : report.files()) {
            assertEquals(3, f.rowsIn());
            assertEquals(1, f.rowsQuarantined(), f.file());
        }
    }

    @Test
    void anExistingOutputIsKeptUnlessOverwriteIsAsked() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThrows(SafeOutput.OutputExistsException.class,
                () -> importInto(Fixtures.mixed(), out.toString(), InvalidValuePolicy.FAIL));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));

        new RouterBenchImporter(spark, line -> { })
                .run(new RouterBenchImporter.Options(Fixtures.mixed(), out.toString(), InvalidValuePolicy.FAIL, true));
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertEquals(6, OutcomeDatasets.readTable(spark, out.toString()).numQueries());
    }

    private static String quarantineText(String dir) throws Exception {
        try (Stream<Path> files = Files.list(Path.of(dir, OutcomeDatasetLayout.QUARANTINE_DIR))) {
            StringBuilder all = new StringBuilder();
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                all.append(Files.readString(p));
            }
            return all.toString();
        }
    }
}
