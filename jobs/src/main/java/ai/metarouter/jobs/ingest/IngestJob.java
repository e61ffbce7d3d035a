package ai.metarouter.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import ai.metarouter.core.serve.log.LogFileNames;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.SafeOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The ingest job, top to bottom: list the complete log files; read every line once into {@link
 * IngestRows} (one task per group of files, line numbers exact); among valid events keep the first
 * line of each event id (the rest are duplicates); write the kept events as {@code dt=} Parquet
 * ({@link InteractionLogs#write}), the rejected lines to {@code quarantine/} (JSON lines, sorted by
 * file and line), and {@code ingest-report.json}, all under a staging directory renamed into place
 * only after the counts reconcile.
 */
public final class IngestJob {
    /** Output layout: next to the dt= partitions. */
    public static final String QUARANTINE_DIR = "quarantine";
    public static final String REPORT_FILE = "ingest-report.json";

    /**
     * @param input the serve log directory
     * @param output the interaction log directory to create
     * @param overwrite replace an existing output
     * @param maxLineBytes longer lines are quarantined unread
     * @param rawChars characters of a rejected line kept in the quarantine
     */
    public record Options(String input, String output, boolean overwrite, int maxLineBytes, int rawChars) {}

    private IngestJob() {}

    public static IngestReport run(SparkSession spark, Options options, Consumer<String> progress) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<String> complete = new ArrayList<>();
        List<String> inProgress = new ArrayList<>();
        listInput(conf, options.input(), complete, inProgress);
        if (complete.isEmpty()) {
            throw new IngestException("--input " + options.input() + " has no complete log files (" + LogFileNames.PREFIX + "*"
                    + LogFileNames.COMPLETE_SUFFIX + ")" + (inProgress.isEmpty() ? "" : "; " + inProgress.size()
                    + " are still being written"));
        }
        progress.accept(String.format("reading %d log files (%d in progress skipped)", complete.size(), inProgress.size()));
        try (SafeOutput out = SafeOutput.begin(conf, "--output", options.output(), options.overwrite())) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            var broadcastConf = jsc.broadcast(new SerializableConfiguration(conf));
            int slices = Math.max(1, Math.min(complete.size(), jsc.defaultParallelism() * 4));
            JavaRDD<Row> rows = jsc.parallelize(complete, slices)
                    .mapPartitions(new IngestRows.ReadFiles(broadcastConf, options.maxLineBytes(), options.rawChars()));
            Dataset<Row> lines = spark.createDataFrame(rows, IngestRows.schema()).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                return write(lines, options, inProgress, out, progress);
            } finally {
                lines.unpersist();
            }
        }
    }

    private static IngestReport write(Dataset<Row> lines, Options options, List<String> inProgress, SafeOutput out,
                                      Consumer<String> progress) {
        String staging = out.stagingUri();
        WindowSpec byEventId = Window.partitionBy("event_id").orderBy(IngestRows.SOURCE_FILE, IngestRows.SOURCE_LINE);
        Dataset<Row> ranked = lines.filter(col(IngestRows.REASON_CODE).isNull())
                .withColumn("_rank", row_number().over(byEventId))
                .withColumn("_first", first(concat(col(IngestRows.SOURCE_FILE), lit(":"), col(IngestRows.SOURCE_LINE).cast("string")))
                        .over(byEventId))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Column[] logColumns = Arrays.stream(InteractionEventRows.schema().fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
            Dataset<Row> accepted = ranked.filter(col("_rank").equalTo(1)).select(logColumns);
            InteractionLogs.write(accepted, staging);
            progress.accept("wrote the dt= partitions");

            Dataset<Row> duplicates = ranked.filter(col("_rank").gt(1)).select(col(IngestRows.SOURCE_FILE), col(IngestRows.SOURCE_LINE),
                    lit(IngestReasons.DUPLICATE_EVENT_ID).as(IngestRows.REASON_CODE),
                    concat(lit("duplicate event_id "), col("event_id"), lit(" (kept the one at "), col("_first"), lit(")"))
                            .as(IngestRows.REASON),
                    lit(null).cast("string").as(IngestRows.RAW));
            Dataset<Row> quarantine = lines.filter(col(IngestRows.REASON_CODE).isNotNull())
                    .select(col(IngestRows.SOURCE_FILE), col(IngestRows.SOURCE_LINE), col(IngestRows.REASON_CODE), col(IngestRows.REASON),
                            col(IngestRows.RAW))
                    .unionByName(duplicates);
            quarantine.coalesce(1).sortWithinPartitions(IngestRows.SOURCE_FILE, IngestRows.SOURCE_LINE)
                    .write().mode(SaveMode.ErrorIfExists).json(new Path(staging, QUARANTINE_DIR).toString());

            IngestReport report = report(options.input(), lines, ranked, quarantine, inProgress);
            HadoopFiles.writeUtf8(lines.sparkSession().sparkContext().hadoopConfiguration(), new Path(staging, REPORT_FILE),
                    report.toJson());
            out.commit();
            progress.accept(String.format("lines in %d = accepted %d + quarantined %d %s", report.linesIn(), report.eventsAccepted(),
                    report.linesQuarantined(), report.quarantinedByReason()));
            return report;
        } finally {
            ranked.unpersist();
        }
    }

    /** Counts from small aggregations (collected), reconciled by the report's constructor. */
    private static IngestReport report(String input, Dataset<Row> lines, Dataset<Row> ranked, Dataset<Row> quarantine,
                                       List<String> inProgress) {
        Map<String, Long> linesPerFile = counts(lines.groupBy(IngestRows.SOURCE_FILE).count());
        Map<String, Long> acceptedPerFile = counts(ranked.filter(col("_rank").equalTo(1)).groupBy(IngestRows.SOURCE_FILE).count());
        Map<String, Long> quarantinedPerFile = counts(quarantine.groupBy(IngestRows.SOURCE_FILE).count());
        Map<String, Long> byReason = counts(quarantine.groupBy(IngestRows.REASON_CODE).count());
        Dataset<Row> kept = ranked.filter(col("_rank").equalTo(1));
        Map<String, Long> byType = counts(kept.groupBy("event_type").count());
        Map<String, Long> byDt = counts(kept.groupBy("dt").count());
        List<IngestReport.FileCounts> files = new ArrayList<>();
        for (String f : new java.util.TreeSet<>(linesPerFile.keySet())) {
            files.add(new IngestReport.FileCounts(f, linesPerFile.get(f), acceptedPerFile.getOrDefault(f, 0L),
                    quarantinedPerFile.getOrDefault(f, 0L)));
        }
        long in = sum(linesPerFile);
        return new IngestReport(input, files, inProgress, in, sum(acceptedPerFile), sum(quarantinedPerFile), byReason, byType, byDt);
    }

    private static Map<String, Long> counts(Dataset<Row> grouped) {
        Map<String, Long> out = new HashMap<>();
        for (Row r : grouped.collectAsList()) out.put(r.getString(0), r.getLong(1));
        return out;
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Complete files (sorted, full URIs) and the names of files still in progress. */
    private static void listInput(Configuration conf, String input, List<String> complete, List<String> inProgress) {
        Path dir = HadoopFiles.qualify(conf, input);
        if (!HadoopFiles.isDirectory(conf, dir)) throw new IngestException("--input " + input + " is not a directory");
        try {
            Map<String, String> sorted = new java.util.TreeMap<>();
            for (FileStatus s : HadoopFiles.fileSystem(conf, dir).listStatus(dir)) {
                String name = s.getPath().getName();
                if (!s.isFile()) continue;
                if (LogFileNames.isComplete(name)) sorted.put(name, s.getPath().toString());
                else if (LogFileNames.isInProgress(name)) inProgress.add(name);
            }
            complete.addAll(sorted.values());
            inProgress.sort(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --input " + input + ": " + e.getMessage(), e);
        }
    }

    /** A problem with the job's input that ends it with a one-line reason. */
    public static final class IngestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public IngestException(String message) {
            super(message);
        }
    }
}
