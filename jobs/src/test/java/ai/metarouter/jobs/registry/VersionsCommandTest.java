package ai.metarouter.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.FaultInjectingStore;
import ai.metarouter.core.artifact.LocalArtifactStore;
import ai.metarouter.core.artifact.TestArtifacts;
import ai.metarouter.jobs.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metarouter versions} and {@code promote --version previous}: what {@code scripts/rollback}
 * runs (the script itself is run against HDFS in {@link HdfsRegistryIT}).
 */
class VersionsCommandTest {
    @TempDir
    Path registryDir;

    @BeforeEach
    void threeVersionsLatestOnTheThird() throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(registryDir.toString())) {
            for (int seed = 1; seed <= 3; seed++) {
                r.publish(TestArtifacts.draft("v" + seed), TestArtifacts.bundle(seed), TestArtifacts.trainingLog("v" + seed));
            }
            r.promote(3);
        }
    }

    private void damageWeights(int version) throws IOException {
        Path weights = registryDir.resolve(ArtifactLayout.versionFile(version, ArtifactLayout.WEIGHTS_FILE));
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 3] ^= 0x08;
        Files.write(weights, bytes);
    }

    /** stdout lines of {@code versions} below the header. */
    private List<String> rows(CliRun run) {
        List<String> lines = run.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("VERSION  LATEST CREATED_AT"), run.stdout());
        return lines.subList(1, lines.size());
    }

    @Test
    void listsVersionsWithLatestCreationTimeVerificationAndMetrics() throws IOException {
        damageWeights(2);
        CliRun run = CliRun.of("versions", "--registry", registryDir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        List<String> rows = rows(run);
        assertEquals(3, rows.size(), run.stdout());
        String createdAt;
        try (ArtifactRegistry r = ArtifactRegistry.open(registryDir.toString())) {
            createdAt = r.readManifest(1).createdAt().toString();
        }
        assertTrue(rows.get(0).matches("1 +" + java.util.regex.Pattern.quote(createdAt)
                + " +verified +2024-05-01\\.\\.2024-05-07 120 users +loss=0\\.2500"), rows.get(0));
        assertTrue(rows.get(1).matches("2 +\\S+ +DAMAGED +.*v2/weights\\.mrt: checksum mismatch.*"), rows.get(1));
        assertTrue(rows.get(2).matches("3 +\\* +\\S+ +verified .*"), rows.get(2));
        assertTrue(run.stderr().contains("3 versions (1 damaged), LATEST 3"), run.stderr());
    }

    @Test
    void rollbackToPreviousSkipsADamagedVersionAndAnExplicitDamagedOneIsRefused() throws IOException {
        damageWeights(2);
        CliRun refused = CliRun.of("promote", "--registry", registryDir.toString(), "--version", "2");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.lastErrLine().contains("v2/weights.mrt: checksum mismatch"), refused.toString());
        assertEquals("3\n", Files.readString(registryDir.resolve(ArtifactLayout.LATEST_FILE)), "LATEST untouched");

        CliRun previous = CliRun.of("promote", "--registry", registryDir.toString(), "--version", "previous");
        assertEquals(0, previous.exitCode(), previous.toString());
        assertEquals("1\n", previous.stdout(), "v2 is damaged, so the newest verified older version is 1");
        assertTrue(previous.stderr().contains("LATEST: 3 -> 1"), previous.stderr());
        assertTrue(rows(CliRun.of("versions", "--registry", registryDir.toString())).get(0).matches("1 +\\* .*"));

        CliRun nothingOlder = CliRun.of("promote", "--registry", registryDir.toString(), "--version", "previous");
        assertEquals(1, nothingOlder.exitCode());
        assertTrue(nothingOlder.lastErrLine().contains("no verified version older than 1 to roll back to"), nothingOlder.toString());
        assertEquals("1\n", Files.readString(registryDir.resolve(ArtifactLayout.LATEST_FILE)));
    }

    @Test
    void cleanStagingRemovesOnlyEntriesOlderThanTheGivenAge() throws IOException {
        // A publisher killed after staging its files (no cleanup, as after SIGKILL).
        try (ArtifactRegistry dying = new ArtifactRegistry(new FaultInjectingStore(new LocalArtifactStore(registryDir),
                p -> p.startsWith(ArtifactLayout.CLAIMS_DIR + "/"), true))) {
            assertThrows(IOException.class, () -> dying.publish(TestArtifacts.draft("x"), TestArtifacts.bundle(4), TestArtifacts.trainingLog("x")));
        }
        Path staging = registryDir.resolve(ArtifactLayout.STAGING_DIR);
        assertEquals(1, listing(staging).size());

        CliRun young = CliRun.of("versions", "--registry", registryDir.toString(), "--clean-staging", "1h");
        assertEquals(0, young.exitCode(), young.toString());
        assertTrue(young.stderr().contains("_staging holds 1 entries"), young.stderr());
        assertTrue(young.stderr().contains("removed 0 staging entries older than 60m"), young.stderr());
        assertEquals(1, listing(staging).size());

        CliRun all = CliRun.of("versions", "--registry", registryDir.toString(), "--clean-staging", "0s");
        assertEquals(0, all.exitCode(), all.toString());
        assertTrue(all.stderr().contains("removed 1 staging entries older than 0s"), all.stderr());
        assertEquals(List.of(), listing(staging));
        assertEquals(3, rows(all).size(), "versions untouched");

        CliRun bad = CliRun.of("versions", "--registry", registryDir.toString(), "--clean-staging", "5");
        assertEquals(2, bad.exitCode());
        assertEquals("metarouter versions: --clean-staging needs a unit, e.g. 24h, 30m or 2d, got '5'", bad.lastErrLine());
    }

    @Test
    void agesParseInHoconNotationAndPrintCompactly() {
        assertEquals(Duration.ofHours(24), VersionsCommand.parseAge("24h"));
        assertEquals(Duration.ofDays(2), VersionsCommand.parseAge("2d"));
        assertEquals(Duration.ZERO, VersionsCommand.parseAge("0"));
        assertThrows(CliException.class, () -> VersionsCommand.parseAge("soon"));
        assertEquals("90s", VersionsCommand.formatAge(Duration.ofSeconds(90)));
        assertEquals("3h", VersionsCommand.formatAge(Duration.ofMinutes(200)));
        assertEquals("5d", VersionsCommand.formatAge(Duration.ofDays(5)));
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
