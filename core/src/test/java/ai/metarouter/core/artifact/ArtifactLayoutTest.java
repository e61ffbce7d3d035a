package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ArtifactLayoutTest {
    @Test
    void versionDirectoriesAreStrictlyVPlusAPositiveNumber() {
        assertEquals("v12", ArtifactLayout.versionDir(12));
        assertEquals("v12/weights.mrt", ArtifactLayout.versionFile(12, ArtifactLayout.WEIGHTS_FILE));
        assertEquals(OptionalInt.of(12), ArtifactLayout.parseVersionDir("v12"));
        assertEquals(OptionalInt.of(2147483647), ArtifactLayout.parseVersionDir("v2147483647"));
        for (String not : List.of("v0", "v012", "12", "V12", "v", "v12.tmp", "v-1", "v2147483648", "_staging", "LATEST")) {
            assertEquals(OptionalInt.empty(), ArtifactLayout.parseVersionDir(not), not);
        }
        assertThrows(IllegalArgumentException.class, () -> ArtifactLayout.versionDir(0));
    }

    @Test
    void claimsAndStagingLiveInBookkeepingDirectories() {
        assertEquals("_claims/v7.claim", ArtifactLayout.claimFile(7));
        assertEquals(OptionalInt.of(7), ArtifactLayout.parseClaimFile("v7.claim"));
        assertEquals(OptionalInt.empty(), ArtifactLayout.parseClaimFile("v7"));
        assertEquals("_staging/abc-1", ArtifactLayout.stagingDir("abc-1"));
        assertEquals("_staging/abc-1/manifest.json", ArtifactLayout.stagingFile("abc-1", ArtifactLayout.MANIFEST_FILE));
        assertEquals("_staging/LATEST.abc-1.tmp", ArtifactLayout.latestTempFile("abc-1"));
        assertThrows(IllegalArgumentException.class, () -> ArtifactLayout.stagingDir("../x"));
    }

    @Test
    void stagingIdsRecordWhenTheyWereMade() {
        Instant made = Instant.parse("2024-05-08T03:00:00.123Z");
        String id = ArtifactLayout.newStagingId(made);
        assertTrue(id.startsWith(made.toEpochMilli() + "-"), id);
        assertEquals("_staging/" + id, ArtifactLayout.stagingDir(id), "a valid staging id");
        assertEquals(Optional.of(made), ArtifactLayout.stagingCreatedAt(id));
        assertEquals(Optional.of(made), ArtifactLayout.stagingCreatedAt("LATEST." + id + ".tmp"));
        assertNotEquals(id, ArtifactLayout.newStagingId(made), "unique even at the same instant");
        for (String unknown : List.of("0b5e7a2c-1111-2222-3333-444455556666", "LATEST.x.tmp", "copied-by-hand", "12-34")) {
            assertEquals(Optional.empty(), ArtifactLayout.stagingCreatedAt(unknown), unknown);
        }
        assertEquals("_staging/" + id, ArtifactLayout.stagingEntry(id));
        assertThrows(IllegalArgumentException.class, () -> ArtifactLayout.stagingEntry("a/b"));
        assertThrows(IllegalArgumentException.class, () -> ArtifactLayout.stagingEntry(".."));
    }

    @Test
    void latestHoldsTheNumberAndANewline() {
        assertArrayEquals("3\n".getBytes(StandardCharsets.US_ASCII), ArtifactLayout.latestContent(3));
        for (String ok : List.of("3", "3\n", " 3 \r\n", "v3", "v3\n")) {
            assertEquals(3, ArtifactLayout.parseLatestContent(ok.getBytes(StandardCharsets.UTF_8), "LATEST"), ok);
        }
        for (String bad : List.of("", "three", "03", "0", "3 4", "-3")) {
            ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                    () -> ArtifactLayout.parseLatestContent(bad.getBytes(StandardCharsets.UTF_8), "file:/r/LATEST"), bad);
            assertTrue(e.getMessage().startsWith("file:/r/LATEST: expected a version number"), e.getMessage());
        }
    }

    @Test
    void versionFileNamesAreFlatAndPortable() {
        for (String ok : List.of("weights.mrt", "training-log.json", "plot_1.png", "a")) {
            assertTrue(ArtifactLayout.isValidVersionFileName(ok), ok);
        }
        for (String bad : List.of("", ".hidden", "_claims", "a/b", "..", "a b", "ü.json", "x".repeat(129))) {
            assertFalse(ArtifactLayout.isValidVersionFileName(bad), bad);
        }
    }
}
