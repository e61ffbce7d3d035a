package ai.metarouter.jobs.simulate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.sim.LoggingPolicy;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.core.sim.SyntheticBenchmark;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.LocalSpark;
import ai.metarouter.jobs.io.SafeOutput;
import ai.metarouter.jobs.io.SchemaConformance;
import ai.metarouter.jobs.io.Schemas;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulate job on real local Spark and real Parquet. */
class SimulationJobTest {
    private static SparkSession spark;
    private static final SyntheticBenchmark.Dataset DATA =
            SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(3).withQueries(300));
    private static final UserSimulator.Config EVENTS = UserSimulator.Config.defaults()
            .withEvents(3, 2).withDates(LocalDate.of(2025, 2, 1), 5);

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(SimulationJobTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SimulationSpec spec(long users, UserSplit split, long seed, int partitions) {
        return new SimulationSpec(users, split, seed, EVENTS, ProfileDistribution.Config.defaults(), partitions);
    }

    private SimulationJob.Result run(SimulationSpec spec, Path out) {
        return SimulationJob.run(spark, DATA.outcomes(), DATA.catalog(), spec, "memory", out.toString(), false, line -> {});
    }

    private static List<Row> sortedEvents(Path out) {
        return InteractionLogs.read(spark, out.toString()).orderBy(col("event_id")).collectAsList();
    }

    @Test
    void writesDtPartitionsUsersAndReportWithTheLogSchema() throws IOException {
        Path out = tmp.resolve("sim");
        SimulationJob.Result result = run(spec(40, UserSplit.ID, 7, 3), out);
        assertEquals(40 * 5, result.events());

        Set<String> dirs;
        try (Stream<Path> s = Files.list(out)) {
            // Hidden names (.crc checksums) are the local file system's business.
            dirs = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).collect(Collectors.toSet());
        }
        Set<String> expected = new HashSet<>(List.of("users.parquet", "_simulation.json", "_SUCCESS"));
        for (int d = 0; d < 5; d++) expected.add("dt=" + LocalDate.of(2025, 2, 1).plusDays(d));
        assertEquals(expected, dirs);
        assertTrue(Files.isRegularFile(out.resolve("users.parquet")), "users.parquet is one file, so the root stays a readable log");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("sim"), s.map(p -> p.getFileName().toString()).toList(), "no staging directory left behind");
        }

        // The files hold exactly the log's columns (dt lives in the directory names).
        StructType stored = spark.read().parquet(out.resolve("dt=2025-02-01").toString()).schema();
        StructType dataColumns = new StructType(java.util.Arrays.stream(Schemas.interactionLog().fields())
                .filter(f -> !f.name().equals(Schemas.DT)).toArray(StructField[]::new));
        assertEquals(List.of(), SchemaConformance.problems(stored, dataColumns));
        assertEquals(dataColumns.size(), stored.size());

        List<Row> rows = sortedEvents(out);
        assertEquals(200, rows.size());
        Map<String, int[]> perUser = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Row r : rows) {
            InteractionEvent e = InteractionEventRows.fromRow(r);
            assertEquals(List.of(), e.problems(), e.toString());
            assertEquals(e.dt(), r.getAs("dt"), "partition must be the UTC date of ts");
            assertTrue(ids.add(e.eventId()));
            int[] c = perUser.computeIfAbsent(e.userId(), u -> new int[2]);
            c[e.type() == EventType.PREFERENCE ? 0 : 1]++;
        }
        assertEquals(40, perUser.size());
        for (Map.Entry<String, int[]> c : perUser.entrySet()) {
            assertEquals(3, c.getValue()[0], c.getKey());
            assertEquals(2, c.getValue()[1], c.getKey());
            assertTrue(c.getKey().startsWith("id-"));
        }

        JsonNode report = new ObjectMapper().readTree(out.resolve("_simulation.json").toFile());
        assertEquals(40, report.get("users").asLong());
        assertEquals(200, report.get("events").asLong());
        assertEquals("id", report.get("profiles").asText());
        assertEquals(7, report.get("seed").asLong());
    }

    @Test
    void outputRowsDoNotDependOnThePartitionCountAndFollowTheSeed() {
        Path one = tmp.resolve("one");
        Path four = tmp.resolve("four");
        Path otherSeed = tmp.resolve("other");
        run(spec(30, UserSplit.OOD, 11, 1), one);
        run(spec(30, UserSplit.OOD, 11, 4), four);
        run(spec(30, UserSplit.OOD, 12, 2), otherSeed);
        List<Row> a = sortedEvents(one);
        assertEquals(150, a.size());
        assertEquals(a, sortedEvents(four));
        assertNotEquals(a, sortedEvents(otherSeed));
        assertEquals(spark.read().parquet(one.resolve("users.parquet").toString()).orderBy("user_id").collectAsList(),
                spark.read().parquet(four.resolve("users.parquet").toString()).orderBy("user_id").collectAsList());
    }

    @Test
    void eventsMatchTheCoreSimulatorForTheSameUser() {
        Path out = tmp.resolve("core");
        SimulationSpec spec = new SimulationSpec(5, UserSplit.ID, 21, EVENTS.withPolicy(LoggingPolicy.epsilonCheapest(0.25)),
                ProfileDistribution.Config.defaults(), 2);
        run(spec, out);
        UserSimulator simulator = new UserSimulator(DATA.outcomes(), DATA.catalog(), spec.events(), 21);
        ProfileDistribution profiles = new ProfileDistribution(spec.profiles(), DATA.catalog().costScale(), 21);
        List<InteractionEvent> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = ProfileDistribution.userId(UserSplit.ID, i);
            expected.addAll(simulator.simulate(profiles.draw(id, UserSplit.ID)));
        }
        expected.sort((x, y) -> x.eventId().compareTo(y.eventId()));
        List<InteractionEvent> actual = sortedEvents(out).stream().map(InteractionEventRows::fromRow).toList();
        assertEquals(expected, actual);
    }

    @Test
    void usersParquetRoundTripsTheTrueProfiles() {
        Path out = tmp.resolve("ood");
        SimulationSpec spec = spec(300, UserSplit.OOD, 5, 2);
        run(spec, out);
        Dataset<Row> users = UserRows.read(spark, out.toString());
        assertEquals(List.of(), SchemaConformance.problems(
                spark.read().parquet(out.resolve("users.parquet").toString()).schema(), Schemas.users()));
        List<Row> rows = users.collectAsList();
        assertEquals(300, rows.size());
        ProfileDistribution profiles = new ProfileDistribution(spec.profiles(), DATA.catalog().costScale(), 5);
        Set<String> families = new HashSet<>();
        for (Row r : rows) {
            String id = r.getAs("user_id");
            UtilityProfile p = UtilityProfile.fromColumns(r.getAs("family"), r.getAs("lambda"), r.getAs("budget_usd"),
                    r.getAs("quality_floor"), r.getAs("exponent"), r.getAs("threshold"));
            SimulatedUser truth = profiles.draw(id, UserSplit.OOD);
            assertEquals(truth.profile(), p, id);
            assertEquals(truth, UserRows.fromRow(r));
            assertEquals(truth.beta(), (double) r.getAs("beta"));
            assertEquals("ood", r.getAs("split"));
            families.add(p.family());
        }
        assertEquals(Set.of("linear", "budget", "quality_floor", "concave", "threshold"), families);
        assertThrows(ai.metarouter.jobs.io.InvalidDatasetException.class, () -> UserRows.read(spark, tmp.toString()));
    }

    @Test
    void aRunThatCannotStartOrWouldOverwriteLeavesNothingBehind() throws IOException {
        // No test query in a table whose queries are all train: fails before anything is written.
        SimulationSpec testOnly = new SimulationSpec(3, UserSplit.ID, 1, EVENTS.withQuerySplit("test"),
                ProfileDistribution.Config.defaults(), 1);
        SyntheticBenchmark.Dataset allTrain = SyntheticBenchmark.generate(
                new SyntheticBenchmark.Config(20, 3, 1, 0.0, SyntheticBenchmark.QualityMode.GRADED));
        Path out = tmp.resolve("never");
        assertThrows(IllegalArgumentException.class, () -> SimulationJob.run(spark, allTrain.outcomes(), allTrain.catalog(),
                testOnly, "memory", out.toString(), false, line -> {}));
        assertFalse(Files.exists(out));

        Path existing = tmp.resolve("existing");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("keep.txt"), "precious");
        assertThrows(SafeOutput.OutputExistsException.class, () -> run(spec(3, UserSplit.ID, 1, 1), existing));
        assertEquals("precious", Files.readString(existing.resolve("keep.txt")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("existing"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
