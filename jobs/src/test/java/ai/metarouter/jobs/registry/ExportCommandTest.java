package ai.metarouter.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.TestArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metarouter export} between two directory registries, through {@link ai.metarouter.jobs.cli.MetaRouterCli#run}.
 * The same command to and from HDFS, and an export killed half-way, are in {@link HdfsRegistryIT}.
 */
class ExportCommandTest {
    @TempDir
    Path tmp;
    private Path source;
    private Path serving;

    @BeforeEach
    void sourceWithTwoVersionsAndLatestOnTheSecond() throws IOException {
        source = tmp.resolve("training");
        serving = tmp.resolve("serving");
        try (ArtifactRegistry r = ArtifactRegistry.open(source.toString())) {
            r.publish(TestArtifacts.draft("one"), TestArtifacts.bundle(1), TestArtifacts.trainingLog("one"));
            r.publish(TestArtifacts.draft("two"), TestArtifacts.bundle(2), TestArtifacts.trainingLog("two"));
            r.promote(2);
        }
    }

    private CliRun export(String version, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("export", "--from", source.toString(), "--to", serving.toUri().toString(),
                "--version", version));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<String> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void copiesAVerifiedVersionAndMovesLatestOnlyWhenAsked() throws IOException {
        CliRun latest = export("latest");
        assertEquals(0, latest.exitCode(), latest.toString());
        assertEquals("2\n", latest.stdout(), "the version on stdout");
        assertTrue(latest.stderr().contains("copied: version 2"), latest.stderr());
        assertTrue(latest.stderr().contains("LATEST at the destination unchanged: (none)"), latest.stderr());
        try (ArtifactRegistry from = ArtifactRegistry.open(source.toString()); ArtifactRegistry to = ArtifactRegistry.open(serving.toString())) {
            assertEquals(List.of(2), to.listVersions());
            assertEquals(OptionalInt.empty(), to.latestPointer(), "no --promote: LATEST not written");
            assertEquals(from.load(2).manifest(), to.load(2).manifest(), "same number, manifest, created_at and checksums");
            for (String file : List.of(ArtifactLayout.MANIFEST_FILE, ArtifactLayout.WEIGHTS_FILE, ArtifactLayout.TRAINING_LOG_FILE)) {
                assertArrayEquals(Files.readAllBytes(source.resolve("v2").resolve(file)), Files.readAllBytes(serving.resolve("v2").resolve(file)), file);
            }
        }

        CliRun older = export("1", "--promote");
        assertEquals(0, older.exitCode(), older.toString());
        assertTrue(older.stderr().contains("LATEST at the destination: (none) -> 1"), older.stderr());
        List<String> before = tree(serving);

        CliRun again = export("v2", "--promote");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("2\n", again.stdout());
        assertTrue(again.stderr().contains("already present (identical), nothing copied"), again.stderr());
        assertTrue(again.stderr().contains("LATEST at the destination: 1 -> 2"), again.stderr());
        assertEquals(before, tree(serving), "an identical version is not copied again");
        assertEquals("2\n", Files.readString(serving.resolve(ArtifactLayout.LATEST_FILE)));
        assertEquals(List.of(), tree(serving.resolve(ArtifactLayout.STAGING_DIR)), "no staging leftovers");
        assertEquals("2\n", Files.readString(source.resolve(ArtifactLayout.LATEST_FILE)), "the source is never written");
    }

    @Test
    void aCorruptSourceVersionIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path weights = source.resolve("v2").resolve(ArtifactLayout.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(weights, bytes);
        CliRun run = export("2", "--promote");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("", run.stdout());
        assertTrue(run.lastErrLine().startsWith("metarouter export: source version 2 fails verification, nothing exported ("),
                run.lastErrLine());
        assertTrue(run.lastErrLine().contains("v2/weights.mrt: checksum mismatch"), run.lastErrLine());
        assertTrue(run.noStackTrace(), run.stderr());
        assertFalse(Files.exists(serving), "the destination is not even created");
    }

    @Test
    void aDifferentOrDamagedArtifactUnderTheSameNumberIsNeverReplaced() throws IOException {
        try (ArtifactRegistry to = ArtifactRegistry.open(serving.toString())) {
            to.publish(TestArtifacts.draft("other"), TestArtifacts.bundle(99), TestArtifacts.trainingLog("other"));
            to.promote(1);
        }
        List<String> before = tree(serving);
        CliRun different = export("1", "--promote");
        assertEquals(1, different.exitCode(), different.toString());
        assertTrue(different.lastErrLine().startsWith("metarouter export: destination file://" + serving.toAbsolutePath()
                + " already has a different artifact as version 1 (weights.mrt: sha256 "), different.lastErrLine());
        assertTrue(different.noStackTrace(), different.stderr());
        assertEquals(before, tree(serving));

        Files.delete(serving.resolve("v1").resolve(ArtifactLayout.TRAINING_LOG_FILE));
        CliRun damaged = export("1");
        assertEquals(1, damaged.exitCode(), damaged.toString());
        assertTrue(damaged.lastErrLine().contains("has a version 1 that fails verification, which export never replaces"),
                damaged.lastErrLine());
        assertEquals("1\n", Files.readString(serving.resolve(ArtifactLayout.LATEST_FILE)));
    }

    @Test
    void badCommandLinesAreUsageErrorsAndUnknownVersionsFailures() {
        CliRun word = export("newest");
        assertEquals(2, word.exitCode());
        assertEquals("metarouter export: --version must be a version number like 3, got 'newest'", word.lastErrLine());
        CliRun missing = CliRun.of("export", "--from", source.toString(), "--version", "1");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.lastErrLine().contains("missing --to <uri>"), missing.toString());
        CliRun unknown = export("7");
        assertEquals(1, unknown.exitCode());
        assertEquals("metarouter export: registry file://" + source.toAbsolutePath() + " has no version 7 (versions: 1, 2)",
                unknown.lastErrLine());
    }
}
