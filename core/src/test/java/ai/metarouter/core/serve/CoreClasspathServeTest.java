package ai.metarouter.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving needs no Spark: {@code ServeMain} runs in a child JVM whose class path is exactly core's
 * classes plus core's runtime class path ({@code target/runtime-classpath.txt}, written by the core
 * build; the launcher uses the same file with core's jar), serves route and feedback over HTTP,
 * and stops gracefully on SIGTERM. A probe on the same class path proves that no Spark, Hadoop or
 * Scala class can even be loaded there.
 */
class CoreClasspathServeTest {
    @TempDir
    Path tmp;

    private static String coreClasspath() throws IOException {
        Path file = Path.of("target", "runtime-classpath.txt");
        assertTrue(Files.isRegularFile(file), "the core build writes " + file.toAbsolutePath());
        String deps = Files.readString(file).strip();
        for (String entry : deps.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            assertFalse(name.contains("spark") || name.contains("hadoop") || name.contains("scala"),
                    "core's runtime class path has " + entry);
        }
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + deps;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void noSparkHadoopOrScalaClassIsLoadableOnCoresClasspath() throws Exception {
        Path probe = tmp.resolve("ClassProbe.java");
        Files.writeString(probe, """
                public class ClassProbe {
                    public static void main(String[] args) {
                        String[] absent = {"org.apache.spark.SparkContext", "org.apache.spark.sql.SparkSession",
                                "org.apache.hadoop.fs.FileSystem", "org.apache.hadoop.conf.Configuration", "scala.Predef",
                                "breeze.linalg.DenseVector"};
                        String[] present = {"ai.metarouter.core.serve.ServeMain", "ai.metarouter.core.serve.RouterService",
                                "org.h2.mvstore.MVStore", "com.fasterxml.jackson.databind.ObjectMapper", "com.typesafe.config.Config"};
                        int bad = 0;
                        for (String c : absent) if (loadable(c)) { System.out.println("LOADABLE " + c); bad++; }
                        for (String c : present) if (!loadable(c)) { System.out.println("MISSING " + c); bad++; }
                        System.out.println(bad == 0 ? "PROBE OK" : "PROBE FAILED");
                        System.exit(bad == 0 ? 0 : 1);
                    }
                    static boolean loadable(String name) {
                        try { Class.forName(name, false, ClassProbe.class.getClassLoader()); return true; }
                        catch (ClassNotFoundException | LinkageError e) { return false; }
                    }
                }
                """);
        Process p = new ProcessBuilder(java(), "-cp", coreClasspath(), probe.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("PROBE OK"), out);
    }

    @Test
    void serveMainServesFromCoresClasspathAndStopsGracefully() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        Path portFile = tmp.resolve("port");
        Path logs = tmp.resolve("logs");
        Path stderr = tmp.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", coreClasspath(), "ai.metarouter.core.serve.ServeMain",
                "--registry", registry.toString(), "--port", "0", "--port-file", portFile.toString(), "--log-dir", logs.toString(),
                "--state-dir", tmp.resolve("state").toString()));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(portFile)) {
                assertTrue(server.isAlive(), "server exited: " + Files.readString(stderr));
                assertTrue(System.nanoTime() < deadline, "server did not start: " + Files.readString(stderr));
                Thread.sleep(50);
            }
            String base = "http://127.0.0.1:" + Files.readString(portFile).strip();
            assertEquals(200, ServeTestKit.get(base + "/healthz").status());
            ServeTestKit.Response route = ServeTestKit.post(base + "/v1/route", "{\"user_id\":\"u\",\"query\":\"hello\"}");
            assertEquals(200, route.status(), route.body());
            String arm = ServeTestKit.model(ServeTestKit.SEED).predictor().armIds().get(0);
            ServeTestKit.Response fb = ServeTestKit.post(base + "/v1/feedback", "{\"user_id\":\"u\",\"query\":\"hello\",\"model\":\""
                    + arm + "\",\"quality\":0.8,\"cost_usd\":0.001,\"reward\":0.7}");
            assertEquals(204, fb.status(), fb.body());
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops the server");
        }
        String log = Files.readString(stderr);
        assertTrue(log.contains("metarouter serve: stopped"), log);
        long lines;
        try (Stream<Path> files = Files.list(logs)) {
            List<Path> complete = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
            assertEquals(1, complete.size(), "one completed log file after shutdown");
            lines = Files.readAllLines(complete.get(0)).size();
        }
        assertEquals(2, lines, "the decision and the feedback were logged");
    }
}
