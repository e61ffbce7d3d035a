package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code train} on a real Spark standalone cluster: a master and two one-core workers started by
 * {@code scripts/cluster} from a real Spark 3.5.7 distribution (the system property
 * {@code metarouter.spark.home}; {@code scripts/run-tests} passes the pinned pyspark's), the job
 * submitted by {@code scripts/metarouter --master spark://127.0.0.1:<port>} (spark-submit with the
 * shaded jar, so this runs after {@code package}).
 * <ol>
 *   <li>the cluster run publishes the artifact the embedded {@code local[2]} run publishes: every
 *       tensor equal to 1e-9;</li>
 *   <li>a cluster run in which one executor JVM is killed with SIGKILL while the outer loop runs
 *       still completes (lost tasks and cached partitions are recomputed on the surviving and the
 *       relaunched executor) and publishes the same artifact.</li>
 * </ol>
 * Without a Spark distribution the test is skipped, except under {@code CI=true}, where it fails.
 * Everything it writes (data, registries, cluster logs, the drivers' output) stays under
 * {@code jobs/target/cluster-it} for diagnosis; the cluster is stopped whatever happens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrainIT {
    /** Outer iterations: enough that the kill at {@link #KILL_AFTER_ITERATION} lands mid-training. */
    private static final int ITERATIONS = 60;
    private static final int KILL_AFTER_ITERATION = 10;
    private static final double TOLERANCE = 1e-9;
    private static final Pattern ITERATION = Pattern.compile("\\] iteration (\\d+):");
    private static final Pattern RETRIED_TASK = Pattern.compile("Starting task \\d+\\.[1-9]");
    private static final Pattern APP_ID = Pattern.compile("Connected to Spark cluster with app ID (\\S+)");

    private static Path repo;
    private static Path work;
    private static Path sparkHome;
    private static Path clusterDir;
    private static Path trainConf;
    private static String master;
    private static boolean clusterStarted;
    private static Thread stopOnExit;
    private static long t0;

    @BeforeAll
    static void startClusterAndGenerateData() throws Exception {
        t0 = System.nanoTime();
        sparkHome = sparkHome();
        repo = Path.of(System.getProperty("metarouter.repo.root", "..")).toAbsolutePath().normalize();
        work = Path.of(System.getProperty("metarouter.it.work", "target/cluster-it")).toAbsolutePath();
        Path jar = jobsJar();
        assertTrue(Files.isRegularFile(jar), "the shaded jar " + jar + " must exist (the IT runs after package)");
        deleteRecursively(work);
        Files.createDirectories(work);
        clusterDir = work.resolve("cluster");

        // Stop the cluster even when the JVM is ended early (failsafe's timeout sends SIGTERM).
        stopOnExit = new Thread(ClusterTrainIT::stopCluster, "stop-cluster");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        clusterStarted = true;
        Run start = run("cluster-start", Duration.ofMinutes(4), script("cluster"), "start", "--workers", "2", "--cores", "1",
                "--memory", "1g", "--dir", clusterDir.toString());
        assertEquals(0, start.exitCode(), "scripts/cluster start failed: " + start.stderr());
        master = start.stdout().strip();
        assertTrue(master.matches("spark://127\\.0\\.0\\.1:\\d+"), "master URL: " + master);
        log("cluster %s up in %.1f s", master, start.seconds());
        Run status = run("cluster-status", Duration.ofMinutes(1), script("cluster"), "status", "--dir", clusterDir.toString());
        assertEquals(0, status.exitCode(), status.stderr());
        assertEquals(master, status.stdout().strip());
        assertTrue(status.stderr().contains("2 of 2 worker(s) alive"), status.stderr());

        trainConf = work.resolve("train.conf");
        Files.writeString(trainConf, """
                metarouter.spark { "spark.ui.enabled" = "false", "spark.sql.shuffle.partitions" = "4" }
                metarouter.train {
                  iterations = %d
                  users-per-iteration = 64
                  checkpoint-every = 0
                  features.dim = 512
                  outcome { epochs = 2, rank = 4 }
                  model { hidden = 6, latent = 2 }
                }
                """.formatted(ITERATIONS));
        Run generate = metarouter("generate-benchmark", "generate-benchmark", "--output", work.resolve("outcomes").toString(),
                "--queries", "400", "--models", "5", "--seed", "3", "--master", "local[2]");
        assertEquals(0, generate.exitCode(), generate.stderr());
        Run simulate = metarouter("simulate", "simulate", "--outcomes", work.resolve("outcomes").toString(), "--output",
                work.resolve("logs").toString(), "--users", "300", "--contexts", "6", "--routes", "6", "--seed", "5", "--master",
                "local[2]");
        assertEquals(0, simulate.exitCode(), simulate.stderr());
        log("data generated after %.1f s", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopClusterAfterAll() {
        stopCluster();
        if (stopOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (and finds nothing left to stop)
            }
        }
        log("total wall time %.1f s", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(1)
    void trainOnTheClusterPublishesTheLocalModeArtifact() throws Exception {
        Run local = train("train-local", "local", "local[2]");
        assertEquals(0, local.exitCode(), local.stderr());
        assertEquals("1", local.stdout().strip());
        Run cluster = train("train-cluster", "cluster", master);
        assertEquals(0, cluster.exitCode(), cluster.stderr());
        assertEquals("1", cluster.stdout().strip());
        assertTrue(APP_ID.matcher(cluster.stderr()).find(), "the job ran as an application of the standalone master");
        log("train local[2] %.1f s, on the cluster %.1f s", local.seconds(), cluster.seconds());
        assertSameArtifact(work.resolve("registry-local"), work.resolve("registry-cluster"));
    }

    @Test
    @Order(2)
    void anExecutorKilledMidTrainingLeavesTheArtifactUnchanged() throws Exception {
        Path stdout = work.resolve("train-killed.out");
        Path stderr = work.resolve("train-killed.err");
        long started = System.nanoTime();
        ProcessBuilder submit = new ProcessBuilder(trainCommand("killed", master)).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).directory(repo.toFile());
        environment(submit);
        Process driver = submit.start();
        ProcessHandle victim;
        String appId;
        int killedAfter;
        int stderrAtKill;
        try {
            // Wait until this application's executors run and the outer loop is past KILL_AFTER_ITERATION.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (true) {
                String err = Files.readString(stderr);
                Matcher app = APP_ID.matcher(err);
                int iteration = lastIteration(err);
                if (app.find() && iteration >= KILL_AFTER_ITERATION) {
                    appId = app.group(1);
                    List<ProcessHandle> executors = executors(appId);
                    if (!executors.isEmpty()) {
                        victim = executors.get(0);
                        break;
                    }
                }
                if (!driver.isAlive()) fail("the job ended before the kill (exit " + driver.exitValue() + "): " + err);
                if (System.nanoTime() > deadline) fail("training did not reach iteration " + KILL_AFTER_ITERATION + ": " + err);
                Thread.sleep(50);
            }
            String victimId = argument(victim, "--executor-id").orElseThrow();
            victim.destroyForcibly(); // SIGKILL
            stderrAtKill = Files.readString(stderr).length();
            killedAfter = lastIteration(Files.readString(stderr));
            assertTrue(driver.isAlive(), "the kill landed while the job ran");
            log("killed executor %s (pid %d) of %s after iteration %d, %.1f s into the run", victimId, victim.pid(), appId, killedAfter,
                    (System.nanoTime() - started) / 1e9);
            assertTrue(victim.onExit().get(30, TimeUnit.SECONDS) != null && !victim.isAlive(), "the executor JVM is gone");

            assertTrue(driver.waitFor(10, TimeUnit.MINUTES), "the job did not finish within 10 minutes after the kill");
            String err = Files.readString(stderr);
            assertEquals(0, driver.exitValue(), "the job failed after the executor was killed: " + err);
            assertEquals("1", Files.readString(stdout).strip());
            log("job with a killed executor done in %.1f s", (System.nanoTime() - started) / 1e9);

            // The kill hit a running job: the driver noticed the loss and training went on afterwards.
            assertTrue(err.contains("Lost executor " + victimId), "the driver saw executor " + victimId + " lost");
            String afterKill = err.substring(stderrAtKill);
            assertTrue(lastIteration(afterKill) == ITERATIONS - 1 && killedAfter < ITERATIONS - 1,
                    "iterations " + (killedAfter + 1) + ".." + (ITERATIONS - 1) + " ran after the kill");
            // The worker relaunched an executor for the application: more executor directories than the two it started with.
            String app = appId;
            long launched;
            try (Stream<Path> dirs = Files.list(clusterDir.resolve("work"))) {
                launched = dirs.map(w -> w.resolve(app)).filter(Files::isDirectory).mapToLong(ClusterTrainIT::countEntries).sum();
            }
            assertTrue(launched >= 3, "executors launched for " + appId + ": " + launched);
            log("executors launched for %s: %d; cached blocks lost with the executor (recomputed): %d; task attempts retried: %d", appId,
                    launched, count(afterKill, "No more replicas available for rdd_"), RETRIED_TASK.matcher(afterKill).results().count());
        } finally {
            if (driver.isAlive()) driver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertSameArtifact(work.resolve("registry-local"), work.resolve("registry-killed"));
    }

    /** Both registries' v1 hold the same tensors (names, shapes, values to {@link #TOLERANCE}). */
    private static void assertSameArtifact(Path expectedRegistry, Path actualRegistry) throws IOException {
        try (ArtifactRegistry a = ArtifactRegistry.open(expectedRegistry.toString());
             ArtifactRegistry b = ArtifactRegistry.open(actualRegistry.toString())) {
            LoadedArtifact expected = a.load(1);
            LoadedArtifact actual = b.load(1);
            assertEquals(expected.weights().names(), actual.weights().names(), "tensor names");
            double worst = 0;
            for (Map.Entry<String, Tensor> e : expected.weights().tensors().entrySet()) {
                Tensor x = e.getValue();
                Tensor y = actual.weights().tensor(e.getKey());
                assertArrayEquals(x.shape(), y.shape(), e.getKey() + ": shape");
                for (int i = 0; i < x.size(); i++) {
                    double diff = Math.abs(x.at(i) - y.at(i));
                    if (!(diff <= TOLERANCE * Math.max(1.0, Math.abs(x.at(i))))) {
                        fail(e.getKey() + "[" + i + "]: " + x.at(i) + " vs " + y.at(i) + " in " + actualRegistry);
                    }
                    worst = Math.max(worst, diff);
                }
            }
            assertEquals(expected.manifest().trainingData(), actual.manifest().trainingData());
            assertEquals(expected.manifest().metrics().get("iterations"), actual.manifest().metrics().get("iterations"));
            log("%s v1 = %s v1: %d tensors, largest difference %.3g", actualRegistry.getFileName(), expectedRegistry.getFileName(),
                    expected.weights().size(), worst);
        }
    }

    private static Run train(String name, String registry, String masterUrl) throws Exception {
        return run(name, Duration.ofMinutes(10), trainCommand(registry, masterUrl).toArray(String[]::new));
    }

    private static List<String> trainCommand(String registry, String masterUrl) {
        List<String> command = new ArrayList<>(List.of(script("metarouter"), "train", "--logs", work.resolve("logs").toString(),
                "--outcomes", work.resolve("outcomes").toString(), "--registry", work.resolve("registry-" + registry).toString(),
                "--partitions", "2", "--master", masterUrl, "--conf", trainConf.toString()));
        if (masterUrl.startsWith("spark://")) {
            // Executors fit the 1g workers; the client-mode driver stays small.
            command.addAll(List.of("--conf", "spark.executor.memory=512m", "--conf", "spark.driver.memory=768m"));
        }
        return command;
    }

    private static Run metarouter(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script("metarouter")));
        command.addAll(List.of(args));
        return run(name, Duration.ofMinutes(5), command.toArray(String[]::new));
    }

    /** This application's executor JVMs: CoarseGrainedExecutorBackend children of this cluster's workers. */
    private static List<ProcessHandle> executors(String appId) throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> pidFiles = Files.list(clusterDir.resolve("run"))) {
            for (Path pidFile : pidFiles.filter(p -> p.getFileName().toString().startsWith("worker-")).sorted().toList()) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                Optional<ProcessHandle> worker = ProcessHandle.of(pid);
                if (worker.isEmpty()) continue;
                worker.get().descendants()
                        .filter(p -> cmdline(p).contains("CoarseGrainedExecutorBackend"))
                        .filter(p -> argument(p, "--app-id").filter(appId::equals).isPresent())
                        .forEach(found::add);
            }
        }
        found.sort(Comparator.comparingLong(ProcessHandle::pid));
        return found;
    }

    /** The value after {@code flag} on a process's command line. */
    private static Optional<String> argument(ProcessHandle p, String flag) {
        String[] args = cmdline(p).split("\0");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(flag)) return Optional.of(args[i + 1]);
        }
        return Optional.empty();
    }

    /** The NUL-separated command line (Linux /proc; ProcessHandle.Info may truncate it). */
    private static String cmdline(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException gone) {
            return "";
        }
    }

    private static int lastIteration(String stderr) {
        Matcher m = ITERATION.matcher(stderr);
        int last = -1;
        while (m.find()) last = Integer.parseInt(m.group(1));
        return last;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) n++;
        return n;
    }

    private static long countEntries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** What one child process did; stdout and stderr are also kept as {@code work/<name>.out|err}. */
    record Run(int exitCode, String stdout, String stderr, double seconds) {}

    private static Run run(String name, Duration timeout, String... command) throws Exception {
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        environment(pb);
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not finish within " + timeout + ": " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err), (System.nanoTime() - start) / 1e9);
    }

    /** The children's environment: this Spark home, loopback, the built jar as it is, small heaps. */
    private static void environment(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("MR_BUILD", "never");
        env.put("METAROUTER_HEAP", "1g");
    }

    private static synchronized void stopCluster() {
        if (!clusterStarted) return;
        clusterStarted = false;
        try {
            Process stop = new ProcessBuilder(script("cluster"), "stop", "--dir", clusterDir.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("cluster-stop.out").toFile()).start();
            if (!stop.waitFor(2, TimeUnit.MINUTES)) stop.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            System.err.println("ClusterTrainIT: could not stop the cluster in " + clusterDir + ": " + e);
        }
    }

    /** The Spark distribution: required under CI=true, otherwise the test is skipped without one. */
    private static Path sparkHome() {
        String configured = System.getProperty("metarouter.spark.home", "").strip();
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (configured.isEmpty()) {
            String why = "no Spark distribution: set -Dmetarouter.spark.home (scripts/run-tests passes scripts/python-env --spark-home)";
            if (ci) fail(why);
            Assumptions.abort(why);
        }
        Path home = Path.of(configured).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/spark-submit")) || !Files.isExecutable(home.resolve("bin/spark-class"))) {
            fail("metarouter.spark.home=" + home + " is not a Spark distribution (no bin/spark-submit, bin/spark-class)");
        }
        return home;
    }

    private static Path jobsJar() throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("jobs/target"))) {
            return s.filter(p -> p.getFileName().toString().matches("metarouter-jobs-.*-spark\\.jar")).findFirst()
                    .orElse(repo.resolve("jobs/target/metarouter-jobs-spark.jar"));
        }
    }

    private static String script(String name) {
        return repo.resolve("scripts").resolve(name).toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[ClusterTrainIT] " + format + "%n", args);
        System.out.flush();
    }
}
