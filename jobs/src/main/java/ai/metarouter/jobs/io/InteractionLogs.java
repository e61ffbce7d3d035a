package ai.metarouter.jobs.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The interaction log ({@code --logs <dir>}): Parquet in {@link Schemas#interactionLog()} form,
 * partitioned by {@code dt=yyyy-MM-dd}, the UTC date of {@code ts}. Readers prune partitions by a
 * date range, so training on "the last 7 days" reads only those directories.
 */
public final class InteractionLogs {
    /**
     * {@code dt} computed from {@code ts} without the session time zone: whole days since the epoch
     * of the instant, as a date, cast to {@code yyyy-MM-dd}.
     */
    private static final Column UTC_DATE_OF_TS =
            expr("cast(date_from_unix_date(cast(floor(unix_micros(ts) / 86400000000) as int)) as string)");

    private InteractionLogs() {}

    /**
     * Writes {@code events} to {@code uri} (which must not exist; pass {@link SafeOutput#stagingUri()}
     * or a sub-directory of it), partitioned by {@code dt}. {@code dt} is (re)computed from {@code ts}
     * so a partition never disagrees with its events; the other columns must match the schema.
     */
    public static void write(Dataset<Row> events, String uri) {
        Dataset<Row> withDt = events.withColumn(Schemas.DT, UTC_DATE_OF_TS);
        Dataset<Row> conformed = SchemaConformance.conform(withDt, Schemas.interactionLog(), "events to write to " + uri);
        conformed.write().mode(SaveMode.ErrorIfExists).partitionBy(Schemas.DT).parquet(uri);
    }

    /** The whole log at {@code uri}. */
    public static Dataset<Row> read(SparkSession spark, String uri) {
        return read(spark, uri, null, null);
    }

    /**
     * The events of the log at {@code uri} whose {@code dt} lies in [{@code from}, {@code to}]
     * (inclusive; null leaves that end open), columns in schema order, {@code dt} as a string.
     *
     * @throws InvalidDatasetException when the directory is missing, is not partitioned by dt, or
     *     its files lack a column or have a wrong type
     */
    public static Dataset<Row> read(SparkSession spark, String uri, LocalDate from, LocalDate to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("log date range is empty: " + from + " is after " + to);
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(uri);
        if (!HadoopFiles.isDirectory(conf, root)) {
            throw new InvalidDatasetException("interaction log " + uri + " does not exist or is not a directory");
        }
        requireDtPartitions(conf, root, uri);
        checkFileColumns(spark, uri);
        // An explicit schema keeps dt a string (partition inference would make it a date).
        Dataset<Row> events = spark.read().schema(Schemas.interactionLog()).parquet(uri);
        if (from != null) events = events.filter(col(Schemas.DT).geq(from.toString()));
        if (to != null) events = events.filter(col(Schemas.DT).leq(to.toString()));
        return events;
    }

    private static void requireDtPartitions(Configuration conf, Path root, String uri) {
        try {
            FileStatus[] entries = HadoopFiles.fileSystem(conf, root).listStatus(root);
            boolean partitioned = Arrays.stream(entries)
                    .anyMatch(s -> s.isDirectory() && s.getPath().getName().startsWith(Schemas.DT + "="));
            if (!partitioned) {
                throw new InvalidDatasetException("interaction log " + uri + " has no dt=yyyy-MM-dd partition directories");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Compares the columns stored in the files (everything but dt) with the schema. */
    private static void checkFileColumns(SparkSession spark, String uri) {
        StructType stored;
        try {
            stored = spark.read().parquet(uri).schema();
        } catch (RuntimeException e) {
            throw new InvalidDatasetException("interaction log " + uri + ": not readable as Parquet: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        StructType dataColumns = new StructType(Arrays.stream(Schemas.interactionLog().fields())
                .filter(f -> !f.name().equals(Schemas.DT)).toArray(StructField[]::new));
        var problems = SchemaConformance.problems(stored, dataColumns);
        if (!problems.isEmpty()) {
            throw new InvalidDatasetException("interaction log " + uri + ": " + String.join("; ", problems));
        }
    }
}
