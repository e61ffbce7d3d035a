package ai.metarouter.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interaction logs written and read for real: dt partitions, date ranges, Row <-> event conversion. */
class InteractionLogsTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(InteractionLogsTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** One event of each type, on three UTC dates, two of them a millisecond either side of midnight. */
    private static List<InteractionEvent> events() {
        return List.of(
                InteractionEvent.route("e1", "u1", at("2024-03-01T23:59:59.999Z"), "q1", "why?", "arc",
                        List.of("small", "big"), "big", 0.25, 1.0, 0.01, 0.7, "epsilon_greedy", 3),
                InteractionEvent.route("e2", "u2", at("2024-03-02T00:00:00.000Z"), null, "hello", null,
                        List.of("small"), "small", 1.0, null, null, null, "metarouter", null),
                InteractionEvent.preference("e3", "u1", at("2024-03-02T12:00:00Z"), "q2", "write f", "mbpp",
                        new Outcome("small", 0.0, 0.001), new Outcome("big", 1.0, 0.02), false, "simulator", null),
                InteractionEvent.reward("e4", "u3", at("2024-03-05T08:30:00Z"), "q3", "pick", "winogrande",
                        new Outcome("big", 1.0, 0.02), 0.4, "simulator", 1));
    }

    private static Dataset<Row> frame(List<InteractionEvent> events) {
        List<Row> rows = events.stream().map(InteractionEventRows::toRow).collect(Collectors.toList());
        return spark.createDataFrame(rows, Schemas.interactionLog());
    }

    private static List<InteractionEvent> collect(Dataset<Row> ds) {
        List<InteractionEvent> out = new ArrayList<>();
        for (Row r : ds.collectAsList()) out.add(InteractionEventRows.fromRow(r));
        out.sort(Comparator.comparing(InteractionEvent::eventId));
        return out;
    }

    @Test
    void eventsSurviveWriteAndReadUnchanged() throws Exception {
        String dir = tmp.resolve("logs").toString();
        InteractionLogs.write(frame(events()), dir);

        assertEquals(events(), collect(InteractionLogs.read(spark, dir)));
        try (Stream<Path> s = Files.list(tmp.resolve("logs"))) {
            List<String> partitions = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dt=")).sorted().toList();
            assertEquals(List.of("dt=2024-03-01", "dt=2024-03-02", "dt=2024-03-05"), partitions);
        }
    }

    @Test
    void dtIsTheUtcDateWhateverTheSessionTimeZone() {
        String dir = tmp.resolve("logs").toString();
        spark.conf().set("spark.sql.session.timeZone", "America/Los_Angeles");
        try {
            InteractionLogs.write(frame(events()), dir);
        } finally {
            spark.conf().set("spark.sql.session.timeZone", "UTC");
        }
        List<Row> rows = InteractionLogs.read(spark, dir).select("event_id", "dt").orderBy("event_id").collectAsList();
        assertEquals("2024-03-01", rows.get(0).getString(1));
        assertEquals("2024-03-02", rows.get(1).getString(1));
    }

    @Test
    void dateRangeReadsOnlyThosePartitions() {
        String dir = tmp.resolve("logs").toString();
        InteractionLogs.write(frame(events()), dir);

        List<String> ids = InteractionLogs.read(spark, dir, LocalDate.of(2024, 3, 2), LocalDate.of(2024, 3, 4))
                .select("event_id").orderBy("event_id").collectAsList().stream().map(r -> r.getString(0)).toList();
        assertEquals(List.of("e2", "e3"), ids);
        assertEquals(1, InteractionLogs.read(spark, dir, LocalDate.of(2024, 3, 3), null).count());
        assertEquals(1, InteractionLogs.read(spark, dir, null, LocalDate.of(2024, 3, 1)).count());
    }

    @Test
    void siblingsOfThePartitionsAreNotPartOfTheLog() {
        String dir = tmp.resolve("sim").toString();
        InteractionLogs.write(frame(events()), dir);
        spark.createDataFrame(List.of(), Schemas.users()).write().parquet(tmp.resolve("sim").resolve("users.parquet").toString());

        assertEquals(4, InteractionLogs.read(spark, dir).count());
        Dataset<Row> none = InteractionLogs.read(spark, dir, LocalDate.of(2030, 1, 1), null);
        assertEquals(0, none.count());
        assertEquals(Schemas.interactionLog(), none.schema());
    }

    @Test
    void theEncoderServesMapPartitions() {
        MapPartitionsFunction<Row, Row> anonymise = rows -> {
            List<Row> out = new ArrayList<>();
            while (rows.hasNext()) {
                InteractionEvent e = InteractionEventRows.fromRow(rows.next());
                out.add(InteractionEventRows.toRow(new InteractionEvent(e.eventId(), "anon", e.tsMillis(), e.type(),
                        e.queryId(), e.query(), e.task(), e.candidates(), e.model(), e.propensity(), e.quality(),
                        e.costUsd(), e.reward(), e.modelA(), e.qualityA(), e.costUsdA(), e.modelB(), e.qualityB(),
                        e.costUsdB(), e.preferred(), e.policy(), e.artifactVersion())));
            }
            return out.iterator();
        };
        Dataset<Row> mapped = frame(events()).mapPartitions(anonymise, InteractionEventRows.encoder());
        List<InteractionEvent> back = collect(mapped);
        assertEquals(4, back.size());
        assertTrue(back.stream().allMatch(e -> e.userId().equals("anon")));
        assertEquals(events().get(0).candidates(), back.get(0).candidates());
    }

    @Test
    void readNamesMissingDirectoriesPartitionsAndColumns() {
        String missing = tmp.resolve("none").toString();
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> InteractionLogs.read(spark, missing));
        assertTrue(e.getMessage().contains(missing), e.getMessage());

        String flat = tmp.resolve("flat").toString();
        frame(events()).write().parquet(flat);
        e = assertThrows(InvalidDatasetException.class, () -> InteractionLogs.read(spark, flat));
        assertTrue(e.getMessage().contains("dt=yyyy-MM-dd"), e.getMessage());

        String noPropensity = tmp.resolve("nop").toString();
        frame(events()).drop("propensity").write().partitionBy("dt").parquet(noPropensity);
        e = assertThrows(InvalidDatasetException.class, () -> InteractionLogs.read(spark, noPropensity));
        assertTrue(e.getMessage().contains("missing column 'propensity'"), e.getMessage());
    }

    @Test
    void writeRejectsWrongColumnTypes() {
        Dataset<Row> wrong = frame(events()).withColumn("propensity", functions.col("propensity").cast("string"));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> InteractionLogs.write(wrong, tmp.resolve("logs").toString()));
        assertTrue(e.getMessage().contains("column 'propensity' is string, expected double"), e.getMessage());
    }
}
