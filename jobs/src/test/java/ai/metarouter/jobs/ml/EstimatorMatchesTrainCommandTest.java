package ai.metarouter.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.artifact.Tensor;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.jobs.cli.MetaRouterCli;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.LocalSpark;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator's fit and the {@code train} command, on the same data with the same settings,
 * produce the same artifact: the command runs first through {@link MetaRouterCli} (generate-benchmark,
 * simulate, train, each in its own Spark session as the launcher runs them), then the estimator
 * fits the same log with Params set to the same values in this class's one session.
 */
class EstimatorMatchesTrainCommandTest {
    @TempDir
    static Path tmp;
    private static Path bench;
    private static Path sim;
    private static Path registry;
    private static SparkSession spark;

    @BeforeAll
    static void trainWithTheCommand() throws IOException {
        Path conf = tmp.resolve("small.conf");
        Files.writeString(conf, """
                metarouter.spark { "spark.sql.shuffle.partitions" = "4", "spark.default.parallelism" = "2" }
                metarouter.train {
                  iterations = 5
                  users-per-iteration = 15
                  features.dim = 512
                  outcome { epochs = 3, rank = 4 }
                  model { hidden = 6, latent = 2 }
                  objective.entropy-weight = 0.02
                  adam.beta2 = 0.99
                }
                """);
        bench = tmp.resolve("bench");
        sim = tmp.resolve("sim");
        registry = tmp.resolve("registry");
        cli(conf, "generate-benchmark", "--output", bench.toString(), "--queries", "200", "--models", "4", "--seed", "3");
        cli(conf, "simulate", "--outcomes", bench.toString(), "--output", sim.toString(), "--users", "30", "--contexts", "6",
                "--routes", "4", "--seed", "4", "--days", "2");
        cli(conf, "train", "--logs", sim.toString(), "--outcomes", bench.toString(), "--registry", registry.toString());
        spark = LocalSpark.start(EstimatorMatchesTrainCommandTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    private static void cli(Path conf, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--master", "local[2]", "--conf", conf.toString()}, 0, all, args.length, 4);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
             PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            code = MetaRouterCli.run(all, e);
        } finally {
            System.setOut(previous);
        }
        assertEquals(0, code, args[0] + ": " + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void fitProducesTheArtifactTheTrainCommandPublished() throws IOException {
        MetaRouterEstimator estimator = new MetaRouterEstimator().setOutcomesPath(bench.toString()).setMaxIter(5).setUsersPerIteration(15)
                .setNumFeatures(512).setOutcomeMaxIter(3).setOutcomeRank(4).setHiddenSize(6).setLatentDim(2).setEntropyWeight(0.02)
                .setTrainConfig("adam.beta2 = 0.99");
        MetaRouterModel model = estimator.fit(InteractionLogs.read(spark, sim.toString()));
        Path saved = tmp.resolve("saved");
        model.write().save(saved.toString());

        try (ArtifactRegistry trained = ArtifactRegistry.open(registry.toString()); ArtifactRegistry fitted = ArtifactRegistry.open(saved.toString())) {
            LoadedArtifact command = trained.load(1);
            LoadedArtifact mine = fitted.latest();
            Map<String, Tensor> expected = command.weights().tensors();
            Map<String, Tensor> actual = mine.weights().tensors();
            assertEquals(expected.keySet(), actual.keySet());
            double maxDiff = 0;
            for (String name : expected.keySet()) {
                double[] e = expected.get(name).data();
                double[] a = actual.get(name).data();
                assertEquals(e.length, a.length, name);
                for (int i = 0; i < e.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
            }
            System.out.printf("fit vs train: %d weight blocks, max |difference| %.3g%n", expected.size(), maxDiff);
            assertTrue(maxDiff <= 1e-12, "largest weight difference " + maxDiff);
            assertEquals(5, command.manifest().metrics().get("iterations").asInt(), "the command ran the outer loop");

            Manifest c = command.manifest();
            Manifest m = mine.manifest();
            assertEquals(c.featureSpec(), m.featureSpec());
            assertEquals(c.catalog(), m.catalog());
            assertEquals(c.trainingData(), m.trainingData());
            assertEquals(c.trainingConfig().toString(), m.trainingConfig().toString());
            assertEquals(command.weights().metadata(RouterArtifacts.MODEL_KEY), mine.weights().metadata(RouterArtifacts.MODEL_KEY));
            assertNumbersClose(c.metrics(), m.metrics());
        }
    }

    private static void assertNumbersClose(JsonNode expected, JsonNode actual) {
        assertEquals(expected.size(), actual.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = actual.get(e.getKey());
            if (e.getValue().isNumber()) assertEquals(e.getValue().doubleValue(), a.doubleValue(), 1e-12, e.getKey());
            else assertEquals(e.getValue(), a, e.getKey());
        }
    }
}
