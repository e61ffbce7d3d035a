package ai.metarouter.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.TestArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metarouter promote} end to end through {@link MetaRouterCli#run}, on a registry built here. */
class PromoteCommandTest {
    @TempDir
    Path registryDir;

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    @BeforeEach
    void publishTwoVersions() throws IOException {
        try (ArtifactRegistry registry = ArtifactRegistry.open(registryDir.toString())) {
            registry.publish(TestArtifacts.draft("one"), TestArtifacts.bundle(1), TestArtifacts.trainingLog("one"));
            registry.publish(TestArtifacts.draft("two"), TestArtifacts.bundle(2), TestArtifacts.trainingLog("two"));
        }
    }

    private String latestOnDisk() throws IOException {
        Path latest = registryDir.resolve("LATEST");
        return Files.exists(latest) ? Files.readString(latest) : "(none)";
    }

    @Test
    void promotesPrintsTheVersionAndRollsBack() throws IOException {
        // Other test classes in this JVM may leave a (stopped or live) default session behind, so
        // "no Spark" is judged by what promote does: it neither creates a session nor stops one
        // (a command that called context.spark() would get this one and stop it on close).
        scala.Option<SparkSession> before = SparkSession.getDefaultSession();
        boolean liveBefore = before.isDefined() && !before.get().sparkContext().isStopped();
        CliRun run = cli("promote", "--registry", registryDir.toUri().toString(), "--version", "2");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("2\n", run.stdout().replace("\r\n", "\n"));
        assertTrue(run.stderr().contains("LATEST: (none) -> 2"), run.stderr());
        assertEquals("2\n", latestOnDisk());

        CliRun rollback = cli("promote", "--registry", registryDir.toString(), "--version", "1");
        assertEquals(0, rollback.exitCode(), rollback.stderr());
        assertEquals("1", rollback.stdout().strip());
        assertTrue(rollback.stderr().contains("LATEST: 2 -> 1"), rollback.stderr());
        try (ArtifactRegistry registry = ArtifactRegistry.open(registryDir.toString())) {
            assertEquals(TestArtifacts.bundle(1), registry.latest().weights());
        }
        scala.Option<SparkSession> after = SparkSession.getDefaultSession();
        assertEquals(before.isDefined(), after.isDefined(), "promote must not start Spark");
        if (before.isDefined()) {
            assertTrue(before.get() == after.get(), "promote must not start Spark");
            assertEquals(liveBefore, !after.get().sparkContext().isStopped(), "promote must not touch Spark");
        }
    }

    @Test
    void anUnknownVersionFailsWithOneLineAndLeavesLatestAlone() throws IOException {
        assertEquals(0, cli("promote", "--registry", registryDir.toString(), "--version", "1").exitCode());
        CliRun run = cli("promote", "--registry", registryDir.toString(), "--version", "9");
        assertEquals(1, run.exitCode());
        assertEquals("", run.stdout());
        assertEquals("metarouter promote: registry file://" + registryDir.toAbsolutePath() + " has no version 9 (versions: 1, 2)",
                run.lastErrLine());
        assertTrue(run.stderr().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + run.stderr());
        assertEquals("1\n", latestOnDisk());
    }

    @Test
    void aDamagedVersionIsRefusedNamingTheFile() throws IOException {
        Path weights = registryDir.resolve("v2/weights.mrt");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(weights, bytes);
        CliRun run = cli("promote", "--registry", registryDir.toString(), "--version", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.lastErrLine().startsWith("metarouter promote: ")
                && run.lastErrLine().contains("v2/weights.mrt: checksum mismatch"), run.stderr());
        assertEquals("(none)", latestOnDisk());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        CliRun notANumber = cli("promote", "--registry", registryDir.toString(), "--version", "newest");
        assertEquals(2, notANumber.exitCode());
        assertEquals("metarouter promote: --version must be a version number like 3, got 'newest'", notANumber.lastErrLine());
        CliRun missing = cli("promote", "--version", "1");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.lastErrLine().contains("missing --registry <uri>"), missing.stderr());
        CliRun unknownScheme = cli("promote", "--registry", "nosuchfs://host/registry", "--version", "1");
        assertEquals(1, unknownScheme.exitCode());
        assertTrue(unknownScheme.lastErrLine().contains("no artifact store supports 'nosuchfs://host/registry'"),
                unknownScheme.stderr());
    }
}
