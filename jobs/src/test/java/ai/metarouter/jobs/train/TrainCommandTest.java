package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.bandit.Softmax;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.model.UserState;
import ai.metarouter.jobs.cli.MetaRouterCli;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.LocalSpark;
import ai.metarouter.jobs.io.Schemas;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metarouter train} end to end through {@link MetaRouterCli#run}: generate-benchmark,
 * simulate, train, promote, warm-started train; and bad input. Every command starts and stops its
 * own Spark session, as the launcher does.
 */
class TrainCommandTest {
    @TempDir
    static Path tmp;
    private static Path conf;

    /** What one CLI run printed. */
    record Run(int exitCode, String stdout, String stderr) {}

    @BeforeAll
    static void writeConf() throws IOException {
        conf = tmp.resolve("small.conf");
        Files.writeString(conf, """
                metarouter.spark { "spark.sql.shuffle.partitions" = "4", "spark.default.parallelism" = "2" }
                metarouter.train {
                  iterations = 6
                  users-per-iteration = 20
                  checkpoint-every = 2
                  features.dim = 512
                  outcome { epochs = 3, rank = 4 }
                  model { hidden = 6, latent = 2 }
                }
                """);
    }

    static Run cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--master", "local[2]", "--conf", conf.toString()));
        return run(all);
    }

    /** Runs one command line in this JVM, capturing stdout and stderr. */
    static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            code = MetaRouterCli.run(args.toArray(String[]::new), e);
        } finally {
            System.setOut(previous);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void generateSimulateTrainPublishesAVersionThatLoadsAndRoutes() throws IOException {
        Path bench = tmp.resolve("bench");
        Path sim = tmp.resolve("sim");
        Path registry = tmp.resolve("registry");
        assertEquals(0, cli("generate-benchmark", "--output", bench.toString(), "--queries", "200", "--models", "5", "--seed", "3").exitCode());
        assertEquals(0, cli("simulate", "--outcomes", bench.toString(), "--output", sim.toString(), "--users", "40", "--contexts", "6",
                "--routes", "4", "--seed", "4", "--days", "3").exitCode());

        Run train = cli("train", "--logs", sim.toString(), "--outcomes", bench.toString(), "--registry", registry.toString());
        assertEquals(0, train.exitCode(), train.stderr());
        assertEquals("1\n", train.stdout(), "only the version on stdout");
        assertTrue(train.stderr().contains("iteration 5: loss"), "progress per iteration on stderr");
        assertTrue(train.stderr().contains("published"));

        try (ArtifactRegistry reg = ArtifactRegistry.open(registry.toString())) {
            assertEquals(List.of(1), reg.listVersions());
            LoadedArtifact v1 = reg.load(1);
            Manifest m = v1.manifest();
            assertEquals(40, m.trainingData().users());
            assertTrue(m.trainingData().events() > 0);
            assertEquals(m.trainingData().from().plusDays(2), m.trainingData().to(), "three days of logs");
            assertEquals(5, m.catalog().size());
            assertEquals(6, m.metrics().get("iterations").asInt());
            assertTrue(m.metrics().get("final_loss").isNumber());
            assertEquals("adam", m.trainingConfig().get("optimizer").asText());
            assertEquals(512, m.featureSpec().get("dim").asInt());
            JsonNode log = new ObjectMapper().readTree(v1.file(ArtifactLayout.TRAINING_LOG_FILE));
            assertEquals(6, log.get("iterations").size());
            assertEquals(5, log.get("iterations").get(5).get("iteration").asInt());
            assertEquals(40, log.get("data").get("users_admitted").asLong());

            MetaRouterModel model = RouterArtifacts.load(v1);
            List<String> candidates = m.catalog().stream().map(Manifest.ModelEntry::id).toList();
            Outcome cheap = new Outcome(candidates.get(0), 0.6, 1e-5);
            Outcome good = new Outcome(candidates.get(1), 0.9, 1e-3);
            UserState user = model.adapt(List.of(new Feedback.Pairwise("what is 2+2", cheap, good, false)));
            Decision d = model.route("explain the proof of the four colour theorem", candidates, user, new Softmax(0.1, 0.0), 7L);
            assertTrue(d.chosenIndex() >= 0 && d.chosenIndex() < candidates.size());
            assertTrue(d.propensity() > 0 && d.propensity() <= 1);
            assertEquals(1.0, Arrays.stream(d.probabilities()).sum(), 1e-12);
        }

        // Warm start from LATEST after promoting v1; the version also goes to --version-file (what schedulers read).
        assertEquals(0, cli("promote", "--registry", registry.toString(), "--version", "1").exitCode());
        Path versionFile = tmp.resolve("run").resolve("candidate-version");
        Run warm = cli("train", "--logs", sim.toString(), "--outcomes", bench.toString(), "--registry", registry.toString(),
                "--warm-start", "latest", "--iterations", "2", "--optimizer", "lbfgs", "--version-file", versionFile.toString());
        assertEquals(0, warm.exitCode(), warm.stderr());
        assertEquals("2\n", warm.stdout());
        assertEquals("2\n", Files.readString(versionFile));
        assertTrue(warm.stderr().contains("warm start from"), warm.stderr());
        try (ArtifactRegistry reg = ArtifactRegistry.open(registry.toString())) {
            Manifest m2 = reg.load(2).manifest();
            assertEquals(1, m2.trainingConfig().get("warm_start_version").asInt());
            assertEquals("lbfgs", m2.metrics().get("optimizer").asText());
            assertEquals(1, reg.latestVersion(), "train publishes; only promote moves LATEST");
        }
        try (Stream<Path> files = Files.walk(registry)) {
            assertTrue(files.noneMatch(p -> p.toString().contains("_checkpoints" + java.io.File.separator + "train-")
                    && p.getFileName().toString().startsWith("ckpt-")), "checkpoints are removed after publishing");
        }
    }

    @Test
    void badInputFailsWithOneLineAndPublishesNothing() throws IOException {
        Path bench = tmp.resolve("bench-bad");
        assertEquals(0, cli("generate-benchmark", "--output", bench.toString(), "--queries", "100", "--models", "3").exitCode());
        Path registry = tmp.resolve("registry-bad");

        Run missing = cli("train", "--logs", tmp.resolve("no-such-logs").toString(), "--outcomes", bench.toString(), "--registry",
                registry.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(lastLine(missing.stderr()).startsWith("metarouter train: "), missing.stderr());
        assertTrue(lastLine(missing.stderr()).contains("no-such-logs"), missing.stderr());
        assertFalse(missing.stderr().contains("\tat "), "no stack trace: " + missing.stderr());
        assertEquals("", missing.stdout());

        // A log directory with a dt= partition and no rows.
        Path empty = tmp.resolve("empty-logs");
        SparkSession spark = LocalSpark.start(TrainCommandTest.class);
        try {
            StructType withoutDt = new StructType(Arrays.stream(InteractionEventRows.schema().fields())
                    .filter(f -> !f.name().equals(Schemas.DT)).toArray(StructField[]::new));
            spark.createDataFrame(List.<Row>of(), withoutDt).write().parquet(empty.resolve("dt=2025-01-01").toString());
        } finally {
            spark.stop();
        }
        Run none = cli("train", "--logs", empty.toString(), "--outcomes", bench.toString(), "--registry", registry.toString());
        assertEquals(1, none.exitCode());
        assertTrue(lastLine(none.stderr()).startsWith("metarouter train: "), none.stderr());
        assertTrue(lastLine(none.stderr()).contains("has no events"), none.stderr());
        assertFalse(none.stderr().contains("\tat "), none.stderr());

        Run range = cli("train", "--logs", empty.toString(), "--outcomes", bench.toString(), "--registry", registry.toString(),
                "--from", "2025-02-01", "--to", "2025-01-01");
        assertEquals(2, range.exitCode(), "a wrong command line is a usage error");

        if (Files.exists(registry)) {
            try (ArtifactRegistry reg = ArtifactRegistry.open(registry.toString())) {
                assertEquals(List.of(), reg.listVersions(), "no version published");
            }
        }
    }
}
