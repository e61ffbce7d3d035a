package ai.metarouter.jobs.io;

import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
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

    private static final String DT_PREFIX = Schemas.DT + "=";
    private static final Pattern DT_DIR = Pattern.compile(DT_PREFIX + "\\d{4}-\\d{2}-\\d{2}");

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
        List<Path> partitions = dtPartitions(conf, root, uri);
        checkFileColumns(spark, partitions.get(0), uri);
        List<String> selected = new ArrayList<>();
        for (Path p : partitions) {
            String dt = p.getName().substring(DT_PREFIX.length());
            if ((from == null || dt.compareTo(from.toString()) >= 0) && (to == null || dt.compareTo(to.toString()) <= 0)) {
                selected.add(p.toString());
            }
        }
        if (selected.isEmpty()) return spark.createDataFrame(List.of(), Schemas.interactionLog());
        // Only the dt= directories are read (a sibling such as users.parquet is not part of the log);
        // basePath keeps dt a column, and the explicit schema keeps it a string (inference would make it a date).
        return spark.read().schema(Schemas.interactionLog()).option("basePath", root.toString())
                .parquet(selected.toArray(new String[0]));
    }

    /** The {@code dt=yyyy-MM-dd} directories directly under {@code root}, in date order; at least one. */
    private static List<Path> dtPartitions(Configuration conf, Path root, String uri) {
        List<Path> partitions = new ArrayList<>();
        try {
            for (FileStatus s : HadoopFiles.fileSystem(conf, root).listStatus(root)) {
                if (s.isDirectory() && DT_DIR.matcher(s.getPath().getName()).matches()) partitions.add(s.getPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + uri + ": " + e.getMessage(), e);
        }
        if (partitions.isEmpty()) {
            throw new InvalidDatasetException("interaction log " + uri + " has no dt=yyyy-MM-dd partition directories");
        }
        partitions.sort(Comparator.comparing(Path::getName));
        return partitions;
    }

    /**
     * Compares the columns stored in the files (everything but dt) with the schema, reading the
     * footer of one partition: a cheap check that the directory holds this format at all.
     */
    private static void checkFileColumns(SparkSession spark, Path partition, String uri) {
        StructType stored;
        try {
            stored = spark.read().parquet(partition.toString()).schema();
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
