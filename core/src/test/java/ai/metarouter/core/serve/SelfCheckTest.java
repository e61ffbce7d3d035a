package ai.metarouter.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metarouter self-check}: a real registry with real (small, trained) artifacts; the check
 * passes on a sound version, fails with one line on a corrupt one, on a LATEST that names another
 * version, and on a wrong command line; and it runs on core's class path alone in a child JVM.
 */
class SelfCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SelfCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSoundPromotedVersionPassesAndAdaptsToFeedback() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        Run r = run("--registry", registry.toString(), "--require-latest");
        assertEquals(0, r.code(), r.err());
        JsonNode summary = JSON.readTree(r.out());
        assertEquals(1, summary.get("version").asInt());
        assertEquals(1, summary.get("latest").asInt());
        int models = summary.get("models").asInt();
        assertTrue(models >= 2, r.out());
        for (String d : new String[] {"probe", "after_feedback"}) {
            JsonNode decision = summary.get(d);
            assertEquals(models, decision.get("scores").size(), r.out());
            assertTrue(decision.get("scores").has(decision.get("model").asText()), r.out());
            double p = decision.get("propensity").asDouble();
            assertTrue(p > 0 && p <= 1, r.out());
        }
        assertTrue(!summary.get("probe").get("scores").equals(summary.get("after_feedback").get("scores")), "feedback adapted the user");
    }

    @Test
    void aCorruptVersionOrALatestThatNamesAnotherVersionFails() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        int v2 = ServeTestKit.publish(registry, ServeTestKit.SEED + 1);

        Run notLatest = run("--registry", registry.toString(), "--version", Integer.toString(v2), "--require-latest");
        assertEquals(1, notLatest.code());
        assertEquals("metarouter self-check: FAILED: LATEST of " + registry + " names v1, not v" + v2, notLatest.err().strip());
        assertEquals("", notLatest.out());
        assertEquals(0, run("--registry", registry.toString(), "--version", Integer.toString(v2)).code(), "unpromoted but sound");

        ServeTestKit.corruptWeights(registry, v2);
        Run corrupt = run("--registry", registry.toString(), "--version", Integer.toString(v2));
        assertEquals(1, corrupt.code());
        String last = corrupt.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("metarouter self-check: FAILED: "), corrupt.err());
        assertTrue(last.toLowerCase(java.util.Locale.ROOT).contains("checksum"), last);

        Run missing = run("--registry", registry.toString(), "--version", "9");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("FAILED"), missing.err());
    }

    @Test
    void aWrongCommandLineIsAUsageError() {
        assertEquals(2, run("--version", "1").code());
        assertEquals(2, run("--registry", "r", "--version", "three").code());
        assertEquals(2, run("--registry", "r", "--bogus").code());
        assertEquals(0, run("--help").code());
    }

    @Test
    void itRunsOnCoresClassPathAloneInAChildJvm() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        String deps = Files.readString(Path.of("target", "runtime-classpath.txt")).strip();
        String cp = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + deps;
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                SelfCheck.class.getName(), "--registry", registry.toString(), "--version", "1", "--require-latest")
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("stderr.txt")));
        assertEquals(1, JSON.readTree(out).get("version").asInt());
    }
}
