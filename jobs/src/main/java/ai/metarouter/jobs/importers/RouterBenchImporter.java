package ai.metarouter.jobs.importers;

import static org.apache.spark.sql.functions.expr;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.OutcomeDatasetLayout;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.io.SafeOutput;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The {@code import-routerbench} job: RouterBench wide CSVs in, an outcome dataset directory out
 * ({@link OutcomeDatasetLayout}: outcomes, models.json, quarantine, import-report.json), written
 * through {@link SafeOutput} so a failed import leaves nothing behind.
 *
 * <p>Steps: list the files and check their headers on the driver (bad columns fail before any
 * work); parse every file on an executor ({@link RouterBenchCsvReader}, one task per file since a
 * CSV with multi-line fields cannot be split); stop at the first invalid value unless they are to be
 * quarantined; group rows by sample_id and decide each ({@link DuplicateResolver}); write; build the
 * report, which refuses to exist unless the counts reconcile.
 */
public final class RouterBenchImporter {
    /**
     * What to import and how.
     *
     * @param input a RouterBench CSV file, or a directory of them
     * @param output the outcome dataset directory to create
     * @param onInvalid what to do with invalid values (non-numeric, NaN, out of range, negative cost, ...)
     * @param overwrite replace an existing non-empty output
     */
    public record Options(String input, String output, InvalidValuePolicy onInvalid, boolean overwrite) {}

    private final SparkSession spark;
    private final Consumer<String> progress;

    public RouterBenchImporter(SparkSession spark, Consumer<String> progress) {
        this.spark = spark;
        this.progress = progress;
    }

    /**
     * Runs the import and returns its report (also written to {@code import-report.json}).
     *
     * @throws ImportException for unusable input (one line naming the file and the row or column)
     * @throws SafeOutput.OutputExistsException when the output exists and overwrite is not set
     */
    public ImportReport run(Options options) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (SafeOutput out = SafeOutput.begin(conf, "--output", options.output(), options.overwrite())) {
            ImportReport report = importInto(options, out.stagingUri());
            out.commit();
            progress.accept("wrote " + out.target());
            return report;
        } catch (Exception e) { // Spark rethrows executor failures as (undeclared) SparkException
            throw importCauseOr(e);
        }
    }

    private ImportReport importInto(Options options, String staging) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<InputFile> files = InputFiles.list(conf, options.input());
        List<FileToRead> toRead = withHeaders(conf, files);
        List<String> models = toRead.get(0).header().models();
        progress.accept(files.size() + " file(s), " + models.size() + " models: " + models);

        Dataset<Row> parsed = parse(spark, conf, toRead).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<String, Long> rowsPerFile = ImportTally.countBy(parsed.groupBy("source_file").count());
            for (InputFile f : files) {
                if (rowsPerFile.getOrDefault(f.name(), 0L) == 0) throw new ImportException(f.uri() + ": no data rows (header only)");
            }
            progress.accept("read " + rowsPerFile.values().stream().mapToLong(Long::longValue).sum() + " rows " + rowsPerFile);
            if (options.onInvalid() == InvalidValuePolicy.FAIL) failOnFirstInvalid(parsed);

            DuplicateResolver resolver = new DuplicateResolver(models);
            Dataset<Row> decisions = decide(parsed, resolver).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                ImportTally tally = ImportTally.of(decisions);
                progress.accept(String.format(Locale.ROOT, "accepted %d, quarantined %d %s",
                        tally.accepted(), tally.quarantined(), tally.byReason()));
                if (tally.queries() == 0) {
                    throw new ImportException("--input " + options.input() + ": no row could be imported; quarantined by reason "
                            + tally.byReason());
                }
                long outcomeRows = writeOutcomes(decisions, models, staging);
                writeQuarantine(decisions, staging);
                ImportReport report = ImportReports.build(options, files, models, parsed, resolver, tally, rowsPerFile, outcomeRows);
                HadoopFiles.writeUtf8(conf, OutcomeDatasetLayout.of(staging).importReport(), report.toJson());
                return report;
            } finally {
                decisions.unpersist(false);
            }
        } finally {
            parsed.unpersist(false);
        }
    }

    /** Reads every header on the driver; all files must name the same models (their order may differ). */
    private static List<FileToRead> withHeaders(Configuration conf, List<InputFile> files) {
        List<FileToRead> out = new ArrayList<>();
        RouterBenchHeader first = null;
        for (InputFile f : files) {
            RouterBenchHeader header = RouterBenchCsvReader.readHeader(conf, f);
            if (first == null) {
                first = header;
            } else {
                header = header.inModelOrder(first.models(), f.uri(), files.get(0).name());
            }
            out.add(new FileToRead(f, header));
        }
        return out;
    }

    /**
     * One task per file (the list travels in the closure; only indices go through the RDD). Static
     * so that the closure cannot capture this importer, which is not serializable.
     */
    private static Dataset<Row> parse(SparkSession spark, Configuration conf, List<FileToRead> toRead) {
        SerializableConfiguration hadoopConf = new SerializableConfiguration(conf);
        List<Integer> indices = IntStream.range(0, toRead.size()).boxed().collect(Collectors.toList());
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(indices, toRead.size())
                .flatMap(i -> {
                    FileToRead f = toRead.get(i);
                    Iterator<SourceRow> parsed = RouterBenchCsvReader.readRows(hadoopConf.value(), f.file(), f.header());
                    return new AsRows(parsed);
                });
        return spark.createDataFrame(rows, SourceRows.SCHEMA);
    }

    /** Converts lazily, so a file is never held in memory as a whole. */
    private record AsRows(Iterator<SourceRow> parsed) implements Iterator<Row> {
        @Override
        public boolean hasNext() {
            return parsed.hasNext();
        }

        @Override
        public Row next() {
            return SourceRows.toRow(parsed.next());
        }
    }

    private static void failOnFirstInvalid(Dataset<Row> parsed) {
        String invalid = Arrays.stream(ProblemKind.values()).filter(k -> k.category() == ProblemKind.Category.INVALID)
                .map(k -> "'" + k.code() + "'").collect(Collectors.joining(", "));
        List<Row> first = parsed.filter(expr("exists(problems, p -> p.kind in (" + invalid + "))"))
                .orderBy("source_file", "source_row").limit(1).collectAsList();
        if (first.isEmpty()) return;
        SourceRow r = SourceRows.fromRow(first.get(0));
        Problem p = r.problems().stream().filter(q -> q.kind().category() == ProblemKind.Category.INVALID)
                .findFirst().orElseThrow();
        throw new ImportException(r.location() + ": " + p.describe()
                + " (pass --on-invalid quarantine to quarantine such rows instead)");
    }

    /** Groups rows by sample_id (rows without a usable id alone) and decides each group. */
    private static Dataset<Row> decide(Dataset<Row> parsed, DuplicateResolver resolver) {
        return parsed
                .groupByKey((MapFunction<Row, String>) r -> r.getString(r.fieldIndex("group_key")), Encoders.STRING())
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (key, rows) -> {
                    List<SourceRow> group = new ArrayList<>();
                    rows.forEachRemaining(r -> group.add(SourceRows.fromRow(r)));
                    return resolver.resolve(group).stream().map(DecisionRows::toRow).iterator();
                }, Encoders.row(DecisionRows.SCHEMA));
    }

    private long writeOutcomes(Dataset<Row> decisions, List<String> models, String staging) {
        Dataset<Row> outcomes = DecisionRows.outcomes(decisions, models);
        ModelCatalog measured = OutcomeDatasets.catalogFrom(outcomes, OutcomeDatasets.SOURCE_ROUTERBENCH);
        List<ModelInfo> inHeaderOrder = models.stream().map(measured::get).collect(Collectors.toList());
        // Sorted so the same input always gives the same files.
        OutcomeDatasets.write(spark, outcomes.orderBy("query_id", "model"),
                new ModelCatalog(OutcomeDatasets.SOURCE_ROUTERBENCH, inHeaderOrder), staging);
        return spark.read().parquet(OutcomeDatasetLayout.of(staging).outcomes().toString()).count();
    }

    private void writeQuarantine(Dataset<Row> decisions, String staging) {
        DecisionRows.quarantine(decisions)
                .repartition(1)
                .sortWithinPartitions("source_file", "source_row")
                .write()
                .option("ignoreNullFields", false) // a missing sample_id is shown as null, not dropped
                .json(OutcomeDatasetLayout.of(staging).quarantine().toString());
    }

    /**
     * Spark reports a failure on an executor as a SparkException wrapping the original; the user
     * should see our one-line ImportException, not the stage failure around it.
     */
    private static RuntimeException importCauseOr(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ImportException ie) return ie;
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
    }

    /** A file and its validated header, shipped to the executor that parses it. */
    private record FileToRead(InputFile file, RouterBenchHeader header) implements Serializable {}
}
