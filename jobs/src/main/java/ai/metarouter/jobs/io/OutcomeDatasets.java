package ai.metarouter.jobs.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.when;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Reads and writes the outcome dataset directory ({@code --outcomes <dir>}, see
 * {@link OutcomeDatasetLayout}): {@code outcomes/} Parquet in {@link Schemas#outcomes()} form plus
 * {@code models.json}. Readers validate what they read and fail with one line naming the path, so
 * a job never trains or evaluates on a table that is not what it claims to be.
 */
public final class OutcomeDatasets {
    public static final String SOURCE_ROUTERBENCH = "routerbench";
    public static final String SOURCE_SYNTHETIC = "synthetic";

    private OutcomeDatasets() {}

    /**
     * Writes {@code outcomes/} and {@code models.json} into the directory {@code uri}, which must not
     * hold an {@code outcomes/} yet. Jobs pass {@link SafeOutput#stagingUri()} here (or use
     * {@link #writeSafely}) so that a failure leaves nothing that looks complete.
     *
     * @throws InvalidDatasetException when {@code outcomes} lacks a column, has a wrong type, or
     *     names a model the catalog does not have
     */
    public static void write(SparkSession spark, Dataset<Row> outcomes, ModelCatalog catalog, String uri) {
        Dataset<Row> conformed = SchemaConformance.conform(outcomes, Schemas.outcomes(), "outcomes to write to " + uri);
        List<String> unknown = new ArrayList<>();
        for (Row r : conformed.select("model").distinct().collectAsList()) {
            String model = r.getString(0);
            if (model == null || !catalog.contains(model)) unknown.add(String.valueOf(model));
        }
        if (!unknown.isEmpty()) {
            throw new InvalidDatasetException("outcomes to write to " + uri + ": models not in the catalog: " + unknown);
        }
        OutcomeDatasetLayout layout = OutcomeDatasetLayout.of(uri);
        conformed.write().mode(SaveMode.ErrorIfExists).parquet(layout.outcomes().toString());
        HadoopFiles.writeUtf8(spark.sparkContext().hadoopConfiguration(), layout.models(), catalog.toJson());
    }

    /** {@link #write} through a {@link SafeOutput}: all of {@code uri} appears at once or not at all. */
    public static void writeSafely(SparkSession spark, Dataset<Row> outcomes, ModelCatalog catalog, String uri,
                                   boolean overwrite) {
        try (SafeOutput out = SafeOutput.begin(spark.sparkContext().hadoopConfiguration(), "--output", uri, overwrite)) {
            write(spark, outcomes, catalog, out.stagingUri());
            out.commit();
        }
    }

    /**
     * The {@code outcomes/} of the dataset at {@code uri}, columns in schema order, after checking
     * that the directory, the columns and their types are there and that every value is in range
     * (non-null keys, split train|test, quality in [0, 1], cost >= 0, one row per (query, model)).
     *
     * @throws InvalidDatasetException naming the path and the first problem found
     */
    public static Dataset<Row> read(SparkSession spark, String uri) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        OutcomeDatasetLayout layout = OutcomeDatasetLayout.of(uri);
        if (!HadoopFiles.isDirectory(conf, layout.root())) {
            throw new InvalidDatasetException("outcome dataset " + uri + " does not exist or is not a directory");
        }
        Path outcomesPath = layout.outcomes();
        if (!HadoopFiles.existsNonEmpty(conf, outcomesPath)) {
            throw new InvalidDatasetException(outcomesPath + " is missing or empty (is " + uri + " an outcome dataset directory?)");
        }
        Dataset<Row> raw;
        try {
            raw = spark.read().parquet(outcomesPath.toString());
        } catch (RuntimeException e) {
            throw new InvalidDatasetException(outcomesPath + ": not readable as Parquet: " + firstLine(e), e);
        }
        Dataset<Row> outcomes = SchemaConformance.conform(raw, Schemas.outcomes(), outcomesPath.toString());
        validateValues(outcomes, outcomesPath.toString());
        return SchemaConformance.declareNonNull(outcomes, Schemas.outcomes());
    }

    /** The catalog {@code models.json} of the dataset at {@code uri}. */
    public static ModelCatalog readCatalog(SparkSession spark, String uri) {
        return readCatalog(spark.sparkContext().hadoopConfiguration(), uri);
    }

    /** The catalog {@code models.json} of the dataset at {@code uri}, without a Spark session. */
    public static ModelCatalog readCatalog(Configuration conf, String uri) {
        Path models = OutcomeDatasetLayout.of(uri).models();
        String json;
        try {
            json = HadoopFiles.readUtf8(conf, models);
        } catch (UncheckedIOException e) {
            throw new InvalidDatasetException(e.getMessage(), e);
        }
        return ModelCatalog.fromJson(json, models.toString());
    }

    /** {@link #read} and {@link #readCatalog} combined into the core in-memory table, models in catalog order. */
    public static OutcomeTable readTable(SparkSession spark, String uri) {
        ModelCatalog catalog = readCatalog(spark, uri);
        return toOutcomeTable(read(spark, uri), catalog.ids());
    }

    /** Collects an outcome dataset into the core table; models sorted by id, queries by id. */
    public static OutcomeTable toOutcomeTable(Dataset<Row> outcomes) {
        Set<String> models = new TreeSet<>();
        for (Row r : outcomes.select("model").distinct().collectAsList()) models.add(r.getString(0));
        return toOutcomeTable(outcomes, new ArrayList<>(models));
    }

    /**
     * Collects an outcome dataset into the core table with the given model order; queries are sorted
     * by id so the table is the same whatever order the files were read in. Outcome tables are small
     * (queries x models cells), so collecting to the driver is the intended use.
     */
    public static OutcomeTable toOutcomeTable(Dataset<Row> outcomes, List<String> modelOrder) {
        Dataset<Row> conformed = SchemaConformance.conform(outcomes, Schemas.outcomes(), "outcome table");
        OutcomeTable.Builder builder = OutcomeTable.builder(modelOrder);
        for (Row r : conformed.orderBy(col("query_id"), col("model")).collectAsList()) {
            String queryId = r.getString(0);
            builder.addQuery(new QueryRecord(queryId, r.getString(1), r.getString(2), r.getString(3)));
            builder.set(queryId, r.getString(4), r.getDouble(5), r.getDouble(6));
        }
        return builder.build();
    }

    /**
     * A catalog for {@code outcomes} measured from the data: per model the mean cost and the number
     * of queries. Prices are null: a benchmark gives per-query costs, not token prices.
     */
    public static ModelCatalog catalogFrom(Dataset<Row> outcomes, String source) {
        List<ModelInfo> models = new ArrayList<>();
        for (Row r : outcomes.groupBy("model")
                .agg(mean("cost_usd").as("mean_cost_usd"), countDistinct("query_id").as("queries"))
                .orderBy("model").collectAsList()) {
            models.add(new ModelInfo(r.getString(0), null, null, r.getDouble(1), r.getLong(2)));
        }
        return new ModelCatalog(source, models);
    }

    private static void validateValues(Dataset<Row> outcomes, String where) {
        Column problem = when(col("query_id").isNull().or(col("query_id").equalTo("")), lit("query_id is missing"))
                .when(col("task").isNull(), lit("task is null"))
                .when(col("prompt").isNull(), lit("prompt is null"))
                .when(col("split").isNull().or(col("split").isin("train", "test").unary_$bang()),
                        lit("split must be train or test"))
                .when(col("model").isNull().or(col("model").equalTo("")), lit("model is missing"))
                .when(col("quality").isNull().or(col("quality").isNaN())
                        .or(col("quality").lt(0)).or(col("quality").gt(1)), lit("quality must be in [0, 1]"))
                .when(col("cost_usd").isNull().or(col("cost_usd").isNaN()).or(col("cost_usd").lt(0))
                        .or(col("cost_usd").equalTo(Double.POSITIVE_INFINITY)), lit("cost_usd must be finite and >= 0"));
        List<Row> bad = outcomes.withColumn("problem", problem).filter(col("problem").isNotNull())
                .select("query_id", "model", "problem", "quality", "cost_usd", "split").limit(1).collectAsList();
        if (!bad.isEmpty()) {
            Row r = bad.get(0);
            throw new InvalidDatasetException(where + ": row query_id=" + r.get(0) + ", model=" + r.get(1) + ": "
                    + r.get(2) + " (quality=" + r.get(3) + ", cost_usd=" + r.get(4) + ", split=" + r.get(5) + ")");
        }
        List<Row> duplicated = outcomes.groupBy("query_id", "model").agg(count(lit(1)).as("n"))
                .filter(col("n").gt(1)).limit(1).collectAsList();
        if (!duplicated.isEmpty()) {
            Row r = duplicated.get(0);
            throw new InvalidDatasetException(where + ": query_id=" + r.get(0) + ", model=" + r.get(1)
                    + " occurs " + r.get(2) + " times (one row per (query, model) expected)");
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
