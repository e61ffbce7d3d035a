package ai.metarouter.core.serve.bench;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.sim.SyntheticBenchmark;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/bench-serve}: sustained {@code /v1/route} throughput and latency over HTTP on
 * loopback. Publishes a synthetic 11-model artifact, starts {@code ServeMain} in its own JVM on
 * core's classpath with decision logging and a state store on (as in production), gives 10% of the
 * users a few comparisons, then runs the closed-loop {@link LoadGenerator} with a warm-up and
 * reports requests/s and p50/p99/p99.9 latency with the machine's load average before and after
 * (the machine may be shared). Prints one JSON object on stdout.
 *
 * <p>Flags: {@code --seconds S} (measured, default 20), {@code --warmup S} (5), {@code --connections C}
 * (16), {@code --server-threads T} (0 = the configured default), {@code --users U} (2000),
 * {@code --heap H} (server heap, default 1g), {@code --work-dir D} (default: a temp directory).
 */
public final class ServeBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20_250_101L;

    private ServeBenchmark() {}

    public static void main(String[] args) throws Exception {
        PrintStream err = System.err;
        Args a = Args.parse(args);
        Path work = a.workDir != null ? Files.createDirectories(Path.of(a.workDir)) : Files.createTempDirectory("bench-serve");
        SyntheticArtifacts spec = new SyntheticArtifacts(11, 2000, 10, 0, 0, SEED);
        Path registry = work.resolve("registry");
        err.println("bench-serve: training and publishing an 11-model artifact in " + registry);
        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            r.promote(spec.publish(r));
        }
        Path portFile = work.resolve("port");
        Files.deleteIfExists(portFile);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + a.heap, "-Xmx" + a.heap, "-cp", System.getProperty("java.class.path"), "ai.metarouter.core.serve.ServeMain",
                "--registry", registry.toString(), "--port", "0", "--port-file", portFile.toString(),
                "--log-dir", work.resolve("logs").toString(), "--state-dir", work.resolve("state").toString()));
        if (a.serverThreads > 0) cmd.addAll(List.of("--threads", Integer.toString(a.serverThreads)));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            int port = awaitPort(server, portFile, work.resolve("server.log"));
            SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(
                    SyntheticBenchmark.Config.defaults(SEED).withQueries(spec.queries()).withModels(spec.models()));
            seedFeedback(port, data, a.users / 10);
            List<byte[]> bodies = routeBodies(data, a.users);
            double[] loadBefore = loadAverage();
            LoadGenerator.Report report = LoadGenerator.run(new LoadGenerator.Config("127.0.0.1", port, a.connections,
                    Duration.ofSeconds(a.warmup), Duration.ofSeconds(a.seconds), Long.MAX_VALUE, "POST", "/v1/route", bodies, null, null));
            double[] loadAfter = loadAverage();
            ObjectNode out = JSON.createObjectNode();
            out.put("endpoint", "/v1/route");
            out.put("models", spec.models());
            out.put("connections", a.connections);
            out.put("seconds", report.seconds());
            out.put("requests", report.requests());
            out.put("failed", report.failed());
            out.put("requests_per_second", Math.round(report.requestsPerSecond()));
            out.put("p50_ms", report.p50Millis());
            out.put("p99_ms", report.p99Millis());
            out.put("p999_ms", report.p999Millis());
            out.put("max_ms", report.maxMillis());
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("load_average_1m_before", loadBefore[0]);
            out.put("load_average_1m_after", loadAfter[0]);
            out.put("load_average_5m_after", loadAfter[1]);
            out.put("by_status", JSON.valueToTree(report.byStatus()));
            System.out.println(out);
            err.printf(Locale.ROOT, "bench-serve: %,d req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms over %.0f s with %d connections, "
                            + "%d failed; load average %.2f -> %.2f on %d cpus%n", Math.round(report.requestsPerSecond()),
                    report.p50Millis(), report.p99Millis(), report.p999Millis(), report.seconds(), a.connections, report.failed(),
                    loadBefore[0], loadAfter[0], Runtime.getRuntime().availableProcessors());
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    private static int awaitPort(Process server, Path portFile, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(portFile)) {
            if (!server.isAlive()) throw new IllegalStateException("the server exited: " + Files.readString(log));
            if (System.nanoTime() > deadline) throw new IllegalStateException("the server did not start: " + Files.readString(log));
            Thread.sleep(50);
        }
        return Integer.parseInt(Files.readString(portFile).strip());
    }

    /** Three comparisons each for {@code n} users (cost-averse and quality-seeking alike), over HTTP. */
    private static void seedFeedback(int port, SyntheticBenchmark.Dataset data, int n) throws Exception {
        OutcomeTable train = data.outcomes().split("train");
        CostScale scale = data.catalog().costScale();
        SplittableRandom rng = new SplittableRandom(SEED);
        List<byte[]> bodies = new ArrayList<>();
        for (int u = 0; u < n; u++) {
            UtilityProfile profile = new UtilityProfile.Linear(u % 2 == 0 ? 0.05 : 3.0);
            for (int k = 0; k < 3; k++) {
                int q = rng.nextInt(train.numQueries());
                int x = rng.nextInt(train.numModels());
                int y = (x + 1 + rng.nextInt(train.numModels() - 1)) % train.numModels();
                if (!train.has(q, x) || !train.has(q, y)) continue;
                Outcome a = new Outcome(train.model(x), train.quality(q, x), train.cost(q, x));
                Outcome b = new Outcome(train.model(y), train.quality(q, y), train.cost(q, y));
                boolean preferA = profile.utility(a.quality(), a.costUsd(), scale) >= profile.utility(b.quality(), b.costUsd(), scale);
                ObjectNode body = JSON.createObjectNode().put("user_id", "user-" + u).put("query", train.query(q).prompt());
                body.putObject("a").put("model", a.model()).put("quality", a.quality()).put("cost_usd", a.costUsd());
                body.putObject("b").put("model", b.model()).put("quality", b.quality()).put("cost_usd", b.costUsd());
                body.put("preferred", preferA ? "a" : "b");
                bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        LoadGenerator.Report r = LoadGenerator.run(new LoadGenerator.Config("127.0.0.1", port, 4, Duration.ZERO, Duration.ofSeconds(60),
                bodies.size(), "POST", "/v1/feedback", bodies, null, null));
        if (r.failed() > 0) throw new IllegalStateException("seeding feedback failed: " + r.firstFailure());
    }

    /** One route body per user, each user's query a test-split prompt. */
    private static List<byte[]> routeBodies(SyntheticBenchmark.Dataset data, int users) {
        OutcomeTable test = data.outcomes().split("test");
        List<byte[]> bodies = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            bodies.add(JSON.createObjectNode().put("user_id", "user-" + u).put("query", test.query(u % test.numQueries()).prompt())
                    .toString().getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** 1, 5 and 15 minute load averages (NaN where /proc/loadavg is not available). */
    private static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** The command line. */
    private static final class Args {
        int seconds = 20;
        int warmup = 5;
        int connections = 16;
        int serverThreads = 0;
        int users = 2000;
        String heap = "1g";
        String workDir;

        static Args parse(String[] args) {
            Args a = new Args();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
                String v = args[++i];
                switch (flag) {
                    case "--seconds" -> a.seconds = Integer.parseInt(v);
                    case "--warmup" -> a.warmup = Integer.parseInt(v);
                    case "--connections" -> a.connections = Integer.parseInt(v);
                    case "--server-threads" -> a.serverThreads = Integer.parseInt(v);
                    case "--users" -> a.users = Integer.parseInt(v);
                    case "--heap" -> a.heap = v;
                    case "--work-dir" -> a.workDir = v;
                    default -> throw new IllegalArgumentException("unknown flag " + flag
                            + " (flags: --seconds --warmup --connections --server-threads --users --heap --work-dir)");
                }
            }
            if (a.seconds < 1 || a.seconds > 600) throw new IllegalArgumentException("--seconds must be in [1, 600]");
            if (a.users < 10) throw new IllegalArgumentException("--users must be >= 10");
            return a;
        }
    }
}
