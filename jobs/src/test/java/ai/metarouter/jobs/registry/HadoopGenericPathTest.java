package ai.metarouter.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.TestArtifacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code path HDFS takes (FileSystem.create(path, false) for claims, FileContext.rename with
 * OVERWRITE for LATEST), run single-threaded on the local disk with the local shortcuts off.
 * Hadoop emulates those two operations non-atomically on a local disk, so the concurrency
 * scenarios are not repeated here; on HDFS they are atomic at the NameNode.
 */
class HadoopGenericPathTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void exclusiveCreateRenameAndReplaceWithHadoopsOwnOperations() throws Exception {
        try (HadoopArtifactStore store = HadoopArtifactStore.open(dir.toUri(), new Configuration(), false)) {
            assertFalse(store.toString().contains("local"), store.toString());
            assertTrue(store.createExclusive("_claims/v1.claim", bytes("a")));
            assertFalse(store.createExclusive("_claims/v1.claim", bytes("b")));
            assertArrayEquals(bytes("a"), store.read("_claims/v1.claim"));

            store.replaceAtomically("LATEST", "_staging/LATEST.x.tmp", bytes("1\n"));
            store.replaceAtomically("LATEST", "_staging/LATEST.y.tmp", bytes("2\n"));
            assertArrayEquals(bytes("2\n"), store.read("LATEST"));
            assertFalse(store.exists("_staging/LATEST.y.tmp"));

            store.write("_staging/s/a.bin", bytes("x"));
            store.mkdirs("v1");
            assertThrows(FileAlreadyExistsException.class, () -> store.renameDirectory("_staging/s", "v1"));
            store.renameDirectory("_staging/s", "v2");
            assertEquals(List.of("a.bin"), store.list("v2"));
        }
    }

    @Test
    void aRegistryOnHadoopsOwnOperationsPublishesPromotesAndLeavesNoCrcFiles() throws Exception {
        try (ArtifactRegistry registry = new ArtifactRegistry(HadoopArtifactStore.open(dir.toUri(), new Configuration(), false))) {
            assertEquals(1, registry.publish(TestArtifacts.draft("hdfs-path"), TestArtifacts.bundle(1), TestArtifacts.trainingLog("x")));
            assertEquals(2, registry.publish(TestArtifacts.draft("hdfs-path"), TestArtifacts.bundle(2), TestArtifacts.trainingLog("y")));
            registry.promote(2);
            registry.promote(1);
            assertEquals(1, registry.latestVersion());
            assertEquals(TestArtifacts.bundle(1), registry.latest().weights());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList(),
                    "raw local file system: no checksum sidecars");
        }
    }
}
