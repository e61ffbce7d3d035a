package ai.metarouter.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outcome dataset directories written and read for real (local Spark, Parquet, models.json). */
class OutcomeDatasetsTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(OutcomeDatasetsTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> sample() {
        List<Row> rows = List.of(
                RowFactory.create("q2", "mbpp", "write f", "test", "big", 1.0, 0.01),
                RowFactory.create("q2", "mbpp", "write f", "test", "small", 0.0, 0.001),
                RowFactory.create("q1", "arc", "why?", "train", "big", 1.0, 0.02),
                RowFactory.create("q1", "arc", "why?", "train", "small", 1.0, 0.003));
        return spark.createDataFrame(rows, Schemas.outcomes());
    }

    private static final ModelCatalog CATALOG = new ModelCatalog(OutcomeDatasets.SOURCE_SYNTHETIC, List.of(
            new ModelInfo("small", 0.1, 0.2, 0.002, 2), new ModelInfo("big", 10.0, 30.0, 0.015, 2)));

    @Test
    void writeThenReadGivesTheSameRowsAndCatalog() {
        String dir = tmp.resolve("ds").toString();
        OutcomeDatasets.writeSafely(spark, sample(), CATALOG, dir, false);

        Dataset<Row> back = OutcomeDatasets.read(spark, dir);
        new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(sample(), back);
        assertEquals(CATALOG, OutcomeDatasets.readCatalog(spark, dir));
        assertTrue(Files.isRegularFile(tmp.resolve("ds").resolve(OutcomeDatasetLayout.MODELS_FILE)));
    }

    @Test
    void toOutcomeTableFollowsTheCatalogOrderAndSortsQueries() {
        String dir = tmp.resolve("ds").toString();
        OutcomeDatasets.writeSafely(spark, sample(), CATALOG, dir, false);
        OutcomeTable table = OutcomeDatasets.readTable(spark, dir);

        assertEquals(List.of("small", "big"), table.models());
        assertEquals("q1", table.query(0).id());
        assertEquals("train", table.query(0).split());
        assertEquals(0.0, table.quality(1, 0));
        assertEquals(0.01, table.cost(1, 1));
        assertEquals(List.of("big", "small"), OutcomeDatasets.toOutcomeTable(sample()).models());
    }

    @Test
    void catalogFromMeasuresMeanCostPerModel() {
        ModelCatalog measured = OutcomeDatasets.catalogFrom(sample(), OutcomeDatasets.SOURCE_ROUTERBENCH);
        assertEquals(List.of("big", "small"), measured.ids());
        assertEquals((0.01 + 0.02) / 2, measured.get("big").meanCostUsd(), 1e-15);
        assertEquals(2, measured.get("small").queries());
        assertEquals(null, measured.get("small").inputPrice());
    }

    @Test
    void writeRefusesModelsMissingFromTheCatalog() {
        ModelCatalog onlySmall = new ModelCatalog("synthetic", List.of(new ModelInfo("small", null, null, 0.002, 2)));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> OutcomeDatasets.writeSafely(spark, sample(), onlySmall, tmp.resolve("ds").toString(), false));
        assertTrue(e.getMessage().contains("big"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("ds")), "no output left behind");
    }

    @Test
    void readNamesTheMissingDirectory() {
        String dir = tmp.resolve("nope").toString();
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.read(spark, dir));
        assertTrue(e.getMessage().contains(dir), e.getMessage());
        Path empty = tmp.resolve("empty");
        empty.toFile().mkdirs();
        e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.read(spark, empty.toString()));
        assertTrue(e.getMessage().contains("outcomes"), e.getMessage());
        e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.readCatalog(spark, empty.toString()));
        assertTrue(e.getMessage().contains("models.json"), e.getMessage());
    }

    @Test
    void readNamesAMissingColumnAndAWrongType() {
        Path dir = tmp.resolve("ds");
        sample().drop("cost_usd").write().parquet(dir.resolve("outcomes").toString());
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.read(spark, dir.toString()));
        assertTrue(e.getMessage().contains("missing column 'cost_usd'"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("outcomes").toString()), e.getMessage());

        Path dir2 = tmp.resolve("ds2");
        sample().withColumn("quality", functions.col("quality").cast("string")).write().parquet(dir2.resolve("outcomes").toString());
        e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.read(spark, dir2.toString()));
        assertTrue(e.getMessage().contains("column 'quality' is string, expected double"), e.getMessage());
    }

    @Test
    void readRejectsOutOfRangeValuesAndDuplicates() {
        Path dir = tmp.resolve("ds");
        sample().withColumn("quality", functions.when(functions.col("query_id").equalTo("q2")
                        .and(functions.col("model").equalTo("big")), 1.5).otherwise(functions.col("quality")))
                .write().parquet(dir.resolve("outcomes").toString());
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.read(spark, dir.toString()));
        assertTrue(e.getMessage().contains("query_id=q2, model=big: quality must be in [0, 1]"), e.getMessage());

        Path dir2 = tmp.resolve("ds2");
        sample().union(sample().limit(1)).write().parquet(dir2.resolve("outcomes").toString());
        e = assertThrows(InvalidDatasetException.class, () -> OutcomeDatasets.read(spark, dir2.toString()));
        assertTrue(e.getMessage().contains("occurs 2 times"), e.getMessage());
    }
}
