package ai.metarouter.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.serve.FeedbackRequest;
import ai.metarouter.core.serve.RouteRequest;
import ai.metarouter.core.serve.RouteResult;
import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import ai.metarouter.core.serve.ServeTestKit;
import ai.metarouter.core.serve.bench.SyntheticArtifacts;
import ai.metarouter.core.serve.reload.ModelWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on a real HDFS (one {@link MiniDFSCluster} on loopback for the whole class) through
 * the product's own code: core's {@link ArtifactRegistry} over the jobs' Hadoop store, the serving
 * library, the {@code export}/{@code versions}/{@code promote} commands, {@code scripts/metarouter
 * serve} and {@code scripts/rollback}. Publishers and exports are killed with SIGKILL in child JVMs
 * at chosen points ({@link StallingStoreProvider}). An integration test (failsafe, after
 * {@code package}) because the launcher needs the packaged jars.
 */
class HdfsRegistryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seeds of the real (small, trained in about a second) models published here. */
    private static final long SEED_A = ServeTestKit.SEED;
    private static final long SEED_B = 8;

    @TempDir
    static Path tmp;
    private static MiniDFSCluster cluster;
    private static String hdfs;
    private static FileSystem fs;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
        cluster = new MiniDFSCluster.Builder(conf, tmp.resolve("minidfs").toFile()).numDataNodes(1).build();
        cluster.waitActive();
        InetSocketAddress rpc = cluster.getNameNode().getNameNodeAddress();
        assertTrue(rpc.getAddress().isLoopbackAddress(), "the NameNode listens on loopback: " + rpc);
        hdfs = "hdfs://127.0.0.1:" + rpc.getPort();
        fs = FileSystem.newInstance(java.net.URI.create(hdfs), new Configuration());
    }

    @AfterAll
    static void stopHdfs() throws IOException {
        if (fs != null) fs.close();
        if (cluster != null) cluster.shutdown(true);
    }

    // ---- publish to HDFS, serve from HDFS ----

    @Test
    void anArtifactTrainedIntoHdfsServesTheSameScoresAsItsLocalCopy() throws Exception {
        // The real train job (local[2] Spark) publishes to HDFS, with its checkpoints there too.
        Path conf = tmp.resolve("train-small.conf");
        Files.writeString(conf, """
                metarouter.spark { "spark.sql.shuffle.partitions" = "4", "spark.default.parallelism" = "2", "spark.ui.enabled" = "false" }
                metarouter.train {
                  iterations = 4
                  users-per-iteration = 16
                  checkpoint-every = 2
                  features.dim = 256
                  outcome { epochs = 2, rank = 4 }
                  model { hidden = 6, latent = 2 }
                }
                """);
        Path bench = tmp.resolve("train-bench");
        Path logs = tmp.resolve("train-logs");
        String registry = hdfs + "/trained";
        List<String> spark = List.of("--master", "local[2]", "--conf", conf.toString());
        assertEquals(0, cli(spark, "generate-benchmark", "--output", bench.toString(), "--queries", "120", "--models", "4", "--seed", "3").exitCode());
        assertEquals(0, cli(spark, "simulate", "--outcomes", bench.toString(), "--output", logs.toString(), "--users", "24",
                "--contexts", "6", "--routes", "2", "--seed", "4", "--days", "2").exitCode());
        CliRun train = cli(spark, "train", "--logs", logs.toString(), "--outcomes", bench.toString(), "--registry", registry);
        assertEquals(0, train.exitCode(), train.toString());
        assertEquals("1\n", train.stdout());
        assertEquals(0, CliRun.of("promote", "--registry", registry, "--version", "1").exitCode());
        assertTrue(train.stderr().contains("published " + registry + "/ v1") || train.stderr().contains("published " + registry + " v1"),
                train.stderr());
        assertTrue(names(registry).contains("_checkpoints"), "train checkpointed into the HDFS registry: " + names(registry));
        assertEquals(List.of(), names(registry + "/_checkpoints"), "and removed its checkpoints after publishing");

        Path local = tmp.resolve("trained-local");
        CliRun export = CliRun.of("export", "--from", registry, "--to", local.toString(), "--version", "latest", "--promote");
        assertEquals(0, export.exitCode(), export.toString());
        List<String> arms;
        try (ArtifactRegistry fromHdfs = ArtifactRegistry.open(registry); ArtifactRegistry fromDisk = ArtifactRegistry.open(local.toString())) {
            assertTrue(fromHdfs.toString().contains("hdfs://127.0.0.1:"), fromHdfs.toString());
            LoadedArtifact a = fromHdfs.latest();
            LoadedArtifact b = fromDisk.latest();
            assertEquals(a.manifest(), b.manifest());
            assertEquals(a.weights(), b.weights());
            assertEquals(24, a.manifest().trainingData().users());
            arms = a.manifest().catalog().stream().map(m -> m.id()).toList();
        }

        try (RouterService onHdfs = service(registry); RouterService onDisk = service(local.toString())) {
            assertEquals(1, onHdfs.version().version());
            List<String> queries = List.of("Prove that sqrt(2) is irrational", "Write a haiku about routers",
                    "Summarise the causes of the French revolution in three bullet points");
            for (int u = 0; u < 3; u++) {
                String user = "hdfs-user-" + u;
                // A user who (for u > 0) prefers the cheaper of two models: feedback adapts both services alike.
                for (int i = 0; u > 0 && i < arms.size() - 1; i++) {
                    Feedback.Pairwise f = new Feedback.Pairwise(queries.get(i % queries.size()),
                            new Outcome(arms.get(i), 0.9, 0.02 * u), new Outcome(arms.get(i + 1), 0.7, 0.001), i % 2 == 0);
                    onHdfs.feedback(new FeedbackRequest(user, f));
                    onDisk.feedback(new FeedbackRequest(user, f));
                }
                for (String q : queries) {
                    RouteResult h = onHdfs.route(new RouteRequest(user, q, null));
                    RouteResult d = onDisk.route(new RouteRequest(user, q, null));
                    assertEquals(arms, List.copyOf(h.scores().keySet()));
                    assertEquals(d.scores(), h.scores(), "bit-identical scores for " + user + " on '" + q + "'");
                    assertEquals(1, h.artifactVersion());
                }
            }
        }
    }

    // ---- a publish killed half-way ----

    @Test
    void aPublishKilledHalfWayLeavesLatestOnTheOldVersionAndItsStagingInvisible() throws Exception {
        String registry = hdfs + "/killed-publish";
        assertEquals(1, publishModel(registry, SEED_A));
        promote(registry, 1);
        try (RouterService serving = service(registry); ArtifactRegistry reader = ArtifactRegistry.open(registry)) {
            // Killed while writing the weights (the training log already staged, half the weights
            // in a file under construction), then killed after claiming v2 with everything staged.
            for (String point : List.of("write:" + ArtifactLayout.WEIGHTS_FILE, "rename")) {
                Child child = startChild(point, List.of(KilledPublisherMain.class.getName(), "stall+" + registry, Long.toString(SEED_B)),
                        "publish-" + point.replace(':', '-'));
                try {
                    String stalled = awaitStalled(child);
                    assertInvisible(reader, serving, point + " (stalled: " + stalled + ")");
                } finally {
                    kill(child);
                }
                assertInvisible(reader, serving, point + " (killed)");
            }
            List<String> staging = names(registry + "/" + ArtifactLayout.STAGING_DIR);
            assertEquals(2, staging.size(), "both killed publishes left their staging behind: " + staging);
            assertEquals(List.of(ArtifactLayout.TRAINING_LOG_FILE, ArtifactLayout.WEIGHTS_FILE),
                    names(registry + "/" + ArtifactLayout.STAGING_DIR + "/" + staging.get(0)), "the first died mid-weights");
            assertEquals(List.of("v1.claim", "v2.claim"), names(registry + "/" + ArtifactLayout.CLAIMS_DIR), "the second had claimed 2");

            assertEquals(3, publishModel(registry, SEED_B), "a later publish succeeds; the dead claim on 2 stays spent");
            CliRun promote = CliRun.of("promote", "--registry", registry, "--version", "3");
            assertEquals(0, promote.exitCode(), promote.toString());
            assertEquals(ModelWatcher.PollOutcome.SWAPPED, serving.reloadNow());
            assertEquals(3, serving.version().version());

            CliRun young = CliRun.of("versions", "--registry", registry, "--clean-staging", "1h");
            assertEquals(0, young.exitCode(), young.toString());
            assertTrue(young.stderr().contains("removed 0 staging entries"), young.stderr());
            assertEquals(2, names(registry + "/" + ArtifactLayout.STAGING_DIR).size());
            // No publish is running now, so everything in staging is abandoned, including the
            // file whose writer was killed while holding its lease.
            CliRun clean = CliRun.of("versions", "--registry", registry, "--clean-staging", "0s");
            assertEquals(0, clean.exitCode(), clean.toString());
            assertTrue(clean.stderr().contains("removed 2 staging entries"), clean.stderr());
            assertEquals(List.of(), names(registry + "/" + ArtifactLayout.STAGING_DIR));
            assertEquals(List.of(1, 3), reader.listVersions());
            assertEquals(3, reader.latestVersion());
            reader.verify(1);
            reader.verify(3);
        }
    }

    // ---- export ----

    @Test
    void exportToHdfsIsAllOrNothingEvenWhenKilledAndIdempotentAfterwards() throws Exception {
        Path training = tmp.resolve("export-training");
        int v1 = publishModel(training.toString(), SEED_A);
        int v2 = publishModel(training.toString(), SEED_B);
        promote(training.toString(), v2);
        String serving = hdfs + "/export-serving";

        for (String point : List.of("write:" + ArtifactLayout.WEIGHTS_FILE, "rename")) {
            Child child = startChild(point, List.of(ai.metarouter.jobs.cli.MetaRouterCli.class.getName(), "export",
                    "--from", training.toString(), "--to", "stall+" + serving, "--version", "1", "--promote"), "export-" + point.replace(':', '-'));
            try {
                awaitStalled(child);
            } finally {
                kill(child);
            }
            try (ArtifactRegistry dest = ArtifactRegistry.open(serving)) {
                assertEquals(List.of(), dest.listVersions(), point + ": no version visible at the destination");
                assertEquals(OptionalInt.empty(), dest.latestPointer(), point + ": no LATEST");
            }
        }
        assertEquals(List.of("v1.claim"), names(serving + "/" + ArtifactLayout.CLAIMS_DIR), "the killed export had claimed 1");

        CliRun retry = CliRun.of("export", "--from", training.toString(), "--to", serving, "--version", Integer.toString(v1), "--promote");
        assertEquals(0, retry.exitCode(), retry.toString());
        assertEquals("1\n", retry.stdout());
        assertTrue(retry.stderr().contains("copied: version 1"), retry.stderr());
        CliRun latest = CliRun.of("export", "--from", training.toString(), "--to", serving, "--version", "latest");
        assertEquals(0, latest.exitCode(), latest.toString());
        assertTrue(latest.stderr().contains("LATEST at the destination unchanged: 1"), latest.stderr());
        CliRun again = CliRun.of("export", "--from", training.toString(), "--to", serving, "--version", "latest", "--promote");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("already present (identical), nothing copied"), again.stderr());

        try (ArtifactRegistry src = ArtifactRegistry.open(training.toString()); ArtifactRegistry dest = ArtifactRegistry.open(serving)) {
            assertEquals(List.of(1, 2), dest.listVersions());
            assertEquals(v2, dest.latestVersion());
            for (int v : List.of(v1, v2)) assertEquals(src.load(v).manifest(), dest.load(v).manifest(), "v" + v);
        }
    }

    // ---- the launcher: serve from HDFS (Hadoop store added) and from a path (core alone) ----

    @Test
    void theLauncherServesAnHdfsRegistryWithTheHadoopStoreAndAPathOnCoreAlone() throws Exception {
        String registry = hdfs + "/launcher";
        assertEquals(1, publishModel(registry, SEED_A));
        promote(registry, 1);
        Path local = tmp.resolve("launcher-local");
        assertEquals(0, CliRun.of("export", "--from", registry, "--to", local.toString(), "--version", "1", "--promote").exitCode());

        String query = ServeTestKit.testQueries(1).get(0);
        Map<String, Double> expected;
        try (RouterService reference = service(local.toString())) {
            expected = reference.route(new RouteRequest("launcher-user", query, null)).scores();
        }
        for (String location : List.of(registry, local.toString())) {
            boolean viaHadoop = location.startsWith("hdfs:");
            Path portFile = tmp.resolve("port-" + (viaHadoop ? "hdfs" : "local"));
            Path log = tmp.resolve("serve-" + (viaHadoop ? "hdfs" : "local") + ".log");
            ProcessBuilder pb = new ProcessBuilder(script("metarouter").toString(), "serve", "--registry", location,
                    "--host", "127.0.0.1", "--port", "0", "--port-file", portFile.toString(), "--threads", "2")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("MR_BUILD", "never");
            pb.environment().put("METAROUTER_SERVE_HEAP", "256m");
            Process server = pb.start();
            try {
                awaitFile(server, portFile, log);
                String classPath = launchedClassPath(server);
                assertEquals(viaHadoop, classPath.contains("-hadoop-store.jar"), classPath);
                assertEquals(viaHadoop, classPath.contains("hadoop-client-api"), classPath);
                assertFalse(classPath.contains("spark-core") || classPath.contains("scala-library"), "no Spark: " + classPath);

                String base = "http://127.0.0.1:" + Files.readString(portFile).strip();
                assertEquals(200, ServeTestKit.get(base + "/healthz").status());
                ServeTestKit.Response route = ServeTestKit.post(base + "/v1/route",
                        JSON.writeValueAsString(Map.of("user_id", "launcher-user", "query", query)));
                assertEquals(200, route.status(), route.body());
                JsonNode body = JSON.readTree(route.body());
                assertEquals(1, body.get("artifact_version").asInt());
                Map<String, Double> scores = new LinkedHashMap<>();
                body.get("scores").fields().forEachRemaining(e -> scores.put(e.getKey(), e.getValue().asDouble()));
                assertEquals(expected, scores, location + ": the scores of the same artifact served in-process");
            } finally {
                server.destroy();
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops the server");
            }
            String output = Files.readString(log);
            assertTrue(output.contains("metarouter serve: stopped"), output);
        }
    }

    // ---- the operator's rollback script ----

    @Test
    void theRollbackScriptListsAnHdfsRegistryAndRollsItBack() throws Exception {
        String registry = hdfs + "/rollback";
        assertEquals(1, publishModel(registry, SEED_A));
        assertEquals(2, publishModel(registry, SEED_B));
        promote(registry, 2);

        ScriptRun list = runScript("rollback", "--registry", registry);
        assertEquals(0, list.exitCode(), list.toString());
        List<String> rows = list.stdout().lines().filter(l -> l.matches("[0-9]+ .*")).toList();
        assertEquals(2, rows.size(), list.stdout());
        assertTrue(rows.get(0).matches("1 +\\d{4}-\\d\\d-\\d\\dT\\S+ +verified .*"), rows.get(0));
        assertTrue(rows.get(1).matches("2 +\\* +\\S+ +verified .*"), rows.get(1));

        ScriptRun back = runScript("rollback", "--registry", registry, "--to", "previous");
        assertEquals(0, back.exitCode(), back.toString());
        assertTrue(back.stderr().contains("LATEST: 2 -> 1"), back.stderr());
        assertTrue(back.stdout().lines().anyMatch(l -> l.matches("1 +\\* .*")), "the list afterwards marks 1: " + back.stdout());
        try (ArtifactRegistry r = ArtifactRegistry.open(registry)) {
            assertEquals(1, r.latestVersion());
        }
    }

    // ---- helpers ----

    private static CliRun cli(List<String> sparkFlags, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(sparkFlags);
        return CliRun.of(all.toArray(String[]::new));
    }

    /** Trains model(seed) (cached per JVM) and publishes it, as train does, to the registry; returns its version. */
    private static int publishModel(String registry, long seed) throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(registry)) {
            return SyntheticArtifacts.small(seed).publish(r, ServeTestKit.model(seed));
        }
    }

    private static void promote(String registry, int version) throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(registry)) {
            r.promote(version);
        }
    }

    private static RouterService service(String registry) throws Exception {
        return RouterService.start(ServeConfig.defaults(registry).host("127.0.0.1").port(0).threads(2)
                .pollInterval(Duration.ofHours(1)).build());
    }

    /** Nothing of the killed publish is visible: same versions, LATEST on 1, serving still on 1. */
    private static void assertInvisible(ArtifactRegistry reader, RouterService serving, String when) throws IOException {
        assertEquals(List.of(1), reader.listVersions(), when);
        assertEquals(1, reader.latestVersion(), when);
        assertEquals(ModelWatcher.PollOutcome.UNCHANGED, serving.reloadNow(), when);
        assertEquals(1, serving.version().version(), when);
    }

    /** A child JVM and the file its stdout and stderr go to. */
    private record Child(Process process, Path output) {}

    /** A child JVM on this test's class path that stalls at {@code point} of its publish. */
    private static Child startChild(String point, List<String> mainAndArgs, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-D" + StallingStoreProvider.STALL_AT + "=" + point, "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        Path out = tmp.resolve(name + ".out");
        return new Child(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start(), out);
    }

    /** Waits until the child says it stalled; returns where. */
    private static String awaitStalled(Child child) throws Exception {
        Path out = child.output();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(out) ? Files.readString(out) : "";
            for (String line : text.lines().toList()) {
                if (line.startsWith(StallingStoreProvider.STALLED + " ")) return line;
            }
            assertTrue(child.process().isAlive(), "the child ended before stalling: " + text);
            Thread.sleep(50);
        }
        throw new AssertionError("the child did not stall in 90 s: " + Files.readString(out));
    }

    /** SIGKILL: no shutdown hook, no finally block, no cleanup runs in the child. */
    private static void kill(Child child) throws InterruptedException {
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), "the child is gone");
    }

    /** Names in an HDFS directory, sorted; empty if it does not exist. */
    private static List<String> names(String dir) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        if (!fs.exists(p)) return List.of();
        return Arrays.stream(fs.listStatus(p)).map(FileStatus::getPath).map(org.apache.hadoop.fs.Path::getName).sorted().toList();
    }

    private static Path script(String name) {
        return Path.of(System.getProperty("metarouter.repo.root"), "scripts", name);
    }

    private static void awaitFile(Process server, Path file, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            assertTrue(server.isAlive(), "server exited: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "server did not start: " + Files.readString(log));
            Thread.sleep(50);
        }
    }

    /** The -cp of the JVM the launcher exec'd (the launcher replaces itself, so the pid is the JVM's). */
    private static String launchedClassPath(Process process) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        List<String> args = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
        int cp = args.indexOf("-cp");
        assertTrue(cp >= 0 && cp + 1 < args.size(), "a -cp in " + args);
        return String.join("\n", args.get(cp + 1).split(File.pathSeparator));
    }

    /** What one script run printed. */
    private record ScriptRun(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static ScriptRun runScript(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script(name).toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, name, ".out");
        Path err = Files.createTempFile(tmp, name, ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("MR_BUILD", "never");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " finished");
        return new ScriptRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
