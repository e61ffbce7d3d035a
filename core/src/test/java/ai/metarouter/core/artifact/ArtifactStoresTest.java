package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoresTest {
    @TempDir
    Path dir;

    @Test
    void plainPathsAndFileUrisOpenTheLocalStoreFromTheServiceFile() throws Exception {
        try (ArtifactStore byPath = ArtifactStores.open(dir.toString());
             ArtifactStore byUri = ArtifactStores.open(dir.toUri().toString());
             ArtifactStore byShortUri = ArtifactStores.open("file:" + dir)) {
            assertInstanceOf(LocalArtifactStore.class, byPath);
            assertEquals(byPath.root(), byUri.root());
            assertEquals(byPath.root(), byShortUri.root());
        }
        assertEquals(Path.of("rel").toAbsolutePath().toUri(), ArtifactStores.toUri("rel"));
    }

    @Test
    void aRegistryHasOneUriWhetherOrNotItsDirectoryExistsYet() throws Exception {
        Path later = dir.resolve("later");
        try (ArtifactStore before = ArtifactStores.open(later.toString())) {
            before.mkdirs(ArtifactStore.ROOT);
            try (ArtifactStore after = ArtifactStores.open(later.toString())) {
                assertEquals(before.root(), after.root());
                assertEquals("file://" + later.toAbsolutePath(), after.root().toString());
            }
        }
    }

    @Test
    void unknownSchemesSayWhatIsMissing() {
        ArtifactException e = assertThrows(ArtifactException.class, () -> ArtifactStores.open("hdfs://namenode:8020/registry"));
        assertTrue(e.getMessage().contains("scheme 'hdfs'") && e.getMessage().contains("metarouter-jobs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArtifactStores.open("file:relative/path"));
    }

    /** A provider that claims every URI, to test the choice rule. */
    private record Claims(String tag, int priority) implements ArtifactStoreProvider {
        @Override public boolean supports(URI uri) { return true; }
        @Override public ArtifactStore open(URI root) { throw new UnsupportedOperationException(); }
    }

    private static final class Other implements ArtifactStoreProvider {
        @Override public boolean supports(URI uri) { return true; }
        @Override public int priority() { return PRIORITY_NATIVE; }
        @Override public ArtifactStore open(URI root) { throw new UnsupportedOperationException(); }
    }

    @Test
    void theHighestPriorityWinsAndTiesBreakByClassNameWhateverTheOrder() {
        URI uri = URI.create("file:///tmp/r");
        ArtifactStoreProvider local = new LocalArtifactStoreProvider();
        ArtifactStoreProvider fallback = new Claims("fallback", ArtifactStoreProvider.PRIORITY_FALLBACK);
        assertEquals(local, ArtifactStores.select(List.of(fallback, local), uri));
        assertEquals(local, ArtifactStores.select(List.of(local, fallback), uri));
        assertEquals(fallback, ArtifactStores.select(List.of(fallback, local), URI.create("hdfs://nn/r")));
        // Equal priority: ArtifactStoresTest$Other < LocalArtifactStoreProvider by class name, in either order.
        ArtifactStoreProvider other = new Other();
        assertEquals(other, ArtifactStores.select(List.of(local, other), uri));
        assertEquals(other, ArtifactStores.select(List.of(other, local), uri));
    }
}
