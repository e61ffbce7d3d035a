package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Tensor;
import ai.metarouter.jobs.cli.MetaRouterCli;
import ai.metarouter.jobs.io.LocalSpark;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A train job killed with SIGKILL after it wrote a checkpoint resumes, when started again with the
 * same command line, and publishes the artifact an uninterrupted run publishes. The killed job is
 * the real CLI in a child JVM.
 */
class TrainKillResumeTest {
    @TempDir
    static Path tmp;
    private static Path conf;
    private static Path outcomes;
    private static Path logs;

    @BeforeAll
    static void data() throws IOException {
        SparkSession spark = LocalSpark.start(TrainKillResumeTest.class);
        try {
            outcomes = tmp.resolve("outcomes");
            logs = tmp.resolve("logs");
            TrainTestData.writeOutcomes(spark, outcomes);
            TrainTestData.simulate(spark, logs, 40, 6, 6, 21L);
        } finally {
            spark.stop();
        }
        conf = tmp.resolve("kill.conf");
        Files.writeString(conf, """
                metarouter.spark { "spark.sql.shuffle.partitions" = "2", "spark.default.parallelism" = "2" }
                metarouter.train {
                  iterations = 40
                  users-per-iteration = 16
                  checkpoint-every = 3
                  features.dim = 512
                  outcome { epochs = 2, rank = 4 }
                  model { hidden = 6, latent = 2 }
                }
                """);
    }

    private static List<String> trainArgs(Path registry, Path checkpoints) {
        return List.of("train", "--logs", logs.toString(), "--outcomes", outcomes.toString(), "--registry", registry.toString(),
                "--checkpoint-dir", checkpoints.toString(), "--partitions", "2", "--master", "local[2]", "--conf", conf.toString());
    }

    private static List<Path> checkpointFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("ckpt-\\d{8}\\.mrt")).toList();
        }
    }

    @Test
    void aKilledRunResumesAndPublishesTheUninterruptedArtifact() throws Exception {
        Path registryA = tmp.resolve("uninterrupted");
        Path registryB = tmp.resolve("killed");
        Path checkpointsB = tmp.resolve("checkpoints-b");

        // The run to be killed: the CLI in its own JVM.
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx1g"));
        command.addAll(List.of(OPENS.split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MetaRouterCli.class.getName()));
        command.addAll(trainArgs(registryB, checkpointsB));
        Path childLog = tmp.resolve("child.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (checkpointFiles(checkpointsB).isEmpty()) {
            if (!child.isAlive()) fail("the child ended before writing a checkpoint: " + Files.readString(childLog));
            if (System.nanoTime() > deadline) {
                child.destroyForcibly();
                fail("no checkpoint within 4 minutes: " + Files.readString(childLog));
            }
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        String killedAt = checkpointFiles(checkpointsB).get(0).getFileName().toString();
        assertTrue(!Files.exists(registryB) || registryVersions(registryB).isEmpty(), "the killed run published nothing");

        // Started again with the same command line: resumes and publishes.
        TrainCommandTest.Run resumed = TrainCommandTest.run(trainArgs(registryB, checkpointsB));
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertEquals("1\n", resumed.stdout());
        assertTrue(resumed.stderr().contains("resuming at iteration"), "resumed from " + killedAt + ": " + resumed.stderr());

        TrainCommandTest.Run uninterrupted = TrainCommandTest.run(trainArgs(registryA, tmp.resolve("checkpoints-a")));
        assertEquals(0, uninterrupted.exitCode(), uninterrupted.stderr());
        assertTrue(!uninterrupted.stderr().contains("resuming"));

        try (ArtifactRegistry a = ArtifactRegistry.open(registryA.toString()); ArtifactRegistry b = ArtifactRegistry.open(registryB.toString())) {
            LoadedArtifact va = a.load(1);
            LoadedArtifact vb = b.load(1);
            assertEquals(va.weights().names(), vb.weights().names());
            for (Map.Entry<String, Tensor> e : va.weights().tensors().entrySet()) {
                SparkMetaTrainerTest.assertClose(e.getValue().data(), vb.weights().tensor(e.getKey()).data(), e.getKey());
            }
            assertEquals(va.manifest().metrics().get("iterations"), vb.manifest().metrics().get("iterations"));
            assertEquals(va.manifest().metrics().get("final_loss").asDouble(), vb.manifest().metrics().get("final_loss").asDouble(),
                    1e-9 * Math.abs(va.manifest().metrics().get("final_loss").asDouble()));
            assertEquals(va.manifest().trainingData(), vb.manifest().trainingData());
        }
        assertTrue(checkpointFiles(checkpointsB).isEmpty(), "checkpoints removed after publishing");
    }

    private static List<Integer> registryVersions(Path registry) throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            return r.listVersions();
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** The opens Spark needs on Java 17 (as in the parent POM and the launcher). */
    private static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED "
            + "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED "
            + "--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED "
            + "--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
            + "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED "
            + "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED "
            + "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED";
}
