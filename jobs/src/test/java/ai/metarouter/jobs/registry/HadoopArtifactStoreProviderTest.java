package ai.metarouter.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.ArtifactStore;
import ai.metarouter.core.artifact.ArtifactStores;
import ai.metarouter.core.artifact.LocalArtifactStoreProvider;
import ai.metarouter.core.artifact.TestArtifacts;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With both providers on the class path (as in jobs), resolution is by priority, not by order. */
class HadoopArtifactStoreProviderTest {
    @TempDir
    Path dir;

    @Test
    void fileUrisGoToCoresNioStoreAndHadoopSchemesToHadoop() {
        assertInstanceOf(LocalArtifactStoreProvider.class, ArtifactStores.provider(dir.toUri()));
        assertInstanceOf(HadoopArtifactStoreProvider.class, ArtifactStores.provider(URI.create("hdfs://namenode:8020/registry")));
        HadoopArtifactStoreProvider hadoop = new HadoopArtifactStoreProvider();
        assertTrue(hadoop.supports(URI.create("file:///tmp/r")));
        assertTrue(hadoop.supports(URI.create("hdfs://nn/r")));
        assertFalse(hadoop.supports(URI.create("nosuchfs://x/r")));
        assertFalse(hadoop.supports(URI.create("relative/path")));
    }

    @Test
    void bothStoresReadWhatTheOtherWrote() throws Exception {
        try (ArtifactRegistry viaNio = ArtifactRegistry.open(dir.toString())) {
            viaNio.publish(TestArtifacts.draft("nio"), TestArtifacts.bundle(1), TestArtifacts.trainingLog("nio"));
            viaNio.promote(1);
        }
        try (ArtifactStore store = new HadoopArtifactStoreProvider().open(dir.toUri());
             ArtifactRegistry viaHadoop = new ArtifactRegistry(store)) {
            assertEquals(TestArtifacts.bundle(1), viaHadoop.latest().weights());
            assertEquals(2, viaHadoop.publish(TestArtifacts.draft("hadoop"), TestArtifacts.bundle(2), TestArtifacts.trainingLog("h")));
            viaHadoop.promote(2);
        }
        try (ArtifactRegistry viaNio = ArtifactRegistry.open(dir.toUri().toString())) {
            assertEquals(2, viaNio.latestVersion());
            assertEquals(TestArtifacts.bundle(2), viaNio.latest().weights());
        }
    }
}
