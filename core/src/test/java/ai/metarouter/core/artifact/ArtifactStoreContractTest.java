package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link ArtifactStore} contract, run against every implementation (core's {@code java.nio}
 * store here, the Hadoop store in the jobs module) on a real temporary directory.
 */
public abstract class ArtifactStoreContractTest {
    @TempDir
    protected Path tempDir;

    protected Path rootDir;
    protected ArtifactStore store;

    /** Opens the implementation under test rooted at {@code root} (which may not exist yet). */
    protected abstract ArtifactStore openStore(Path root) throws IOException;

    @BeforeEach
    void openStoreUnderTest() throws IOException {
        rootDir = tempDir.resolve("store");
        store = openStore(rootDir);
    }

    @AfterEach
    void closeStoreUnderTest() throws IOException {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writeThenReadListAndExist() throws IOException {
        assertEquals(List.of(), store.list(ArtifactStore.ROOT), "a missing root lists as empty");
        store.write("a/b.txt", bytes("hello"));
        store.write("a/c.txt", bytes("world"));
        assertArrayEquals(bytes("hello"), store.read("a/b.txt"));
        assertArrayEquals(bytes("hello"), Files.readAllBytes(rootDir.resolve("a/b.txt")), "stored where the path says");
        assertTrue(store.exists("a/b.txt"));
        assertTrue(store.exists("a"));
        assertFalse(store.exists("a/missing.txt"));
        assertEquals(List.of("b.txt", "c.txt"), store.list("a"));
        assertEquals(List.of("a"), store.list(ArtifactStore.ROOT));
        assertEquals(List.of(), store.list("no/such/dir"));
        try (InputStream in = store.open("a/c.txt")) {
            assertArrayEquals(bytes("world"), in.readAllBytes());
        }
    }

    @Test
    void writeOverwritesAndAcceptsEmptyFiles() throws IOException {
        store.write("x", bytes("first version, longer"));
        store.write("x", bytes("second"));
        assertArrayEquals(bytes("second"), store.read("x"));
        store.write("empty", new byte[0]);
        assertArrayEquals(new byte[0], store.read("empty"));
    }

    @Test
    void missingFilesAreNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> store.read("nope"));
        assertThrows(NoSuchFileException.class, () -> store.open("nope").close());
    }

    @Test
    void createExclusiveSucceedsOnlyOnce() throws IOException {
        assertTrue(store.createExclusive("claims/v1.claim", bytes("mine")));
        assertFalse(store.createExclusive("claims/v1.claim", bytes("theirs")));
        assertArrayEquals(bytes("mine"), store.read("claims/v1.claim"), "the loser must not overwrite");
    }

    @Test
    void createExclusiveHasOneWinnerUnderContention() throws Exception {
        int threads = 8;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String path = "claims/v" + (round + 1) + ".claim";
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    byte[] content = bytes("thread-" + t);
                    results.add(pool.submit(() -> {
                        start.await();
                        return store.createExclusive(path, content);
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> f : results) if (f.get(30, TimeUnit.SECONDS)) winners++;
                assertEquals(1, winners, "exactly one creator of " + path);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void renameDirectoryMovesTheWholeTree() throws IOException {
        store.write("staging/x/a.bin", bytes("a"));
        store.write("staging/x/b.bin", bytes("b"));
        store.renameDirectory("staging/x", "v1");
        assertFalse(store.exists("staging/x"));
        assertEquals(List.of("a.bin", "b.bin"), store.list("v1"));
        assertArrayEquals(bytes("b"), store.read("v1/b.bin"));
    }

    @Test
    void renameDirectoryNeverMergesIntoOrReplacesATarget() throws IOException {
        store.write("staging/x/a.bin", bytes("new"));
        store.write("v1/a.bin", bytes("old"));
        assertThrows(FileAlreadyExistsException.class, () -> store.renameDirectory("staging/x", "v1"));
        assertArrayEquals(bytes("old"), store.read("v1/a.bin"));
        assertEquals(List.of("a.bin"), store.list("v1"), "nothing moved into the existing target");
        assertArrayEquals(bytes("new"), store.read("staging/x/a.bin"), "the source is untouched");

        // An empty target directory must be refused too (POSIX rename(2) would replace it).
        store.mkdirs("v2");
        assertThrows(FileAlreadyExistsException.class, () -> store.renameDirectory("staging/x", "v2"));
        assertTrue(store.exists("staging/x/a.bin"));
    }

    @Test
    void renameOfMissingDirectoryIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> store.renameDirectory("staging/none", "v1"));
    }

    @Test
    void replaceAtomicallyCreatesReplacesAndLeavesNoTemporary() throws IOException {
        store.replaceAtomically("LATEST", "_tmp/LATEST.a.tmp", bytes("1\n"));
        assertArrayEquals(bytes("1\n"), store.read("LATEST"));
        store.replaceAtomically("LATEST", "_tmp/LATEST.b.tmp", bytes("2\n"));
        assertArrayEquals(bytes("2\n"), store.read("LATEST"));
        assertFalse(store.exists("_tmp/LATEST.a.tmp"));
        assertFalse(store.exists("_tmp/LATEST.b.tmp"));
    }

    @Test
    void readersOfAReplacedFileSeeOldOrNewNeverMissingOrPartial() throws Exception {
        Set<String> valid = Set.of("100\n", "200000\n");
        store.replaceAtomically("LATEST", "_tmp/LATEST.0.tmp", bytes("100\n"));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> reader = pool.submit(() -> {
            int reads = 0;
            while (!stop.get()) {
                String seen = new String(store.read("LATEST"), StandardCharsets.UTF_8);
                if (!valid.contains(seen)) throw new AssertionError("reader saw '" + seen + "'");
                reads++;
            }
            return reads;
        });
        try {
            for (int i = 1; i <= 200; i++) {
                store.replaceAtomically("LATEST", "_tmp/LATEST." + i + ".tmp", bytes(i % 2 == 0 ? "100\n" : "200000\n"));
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
    }

    @Test
    void deleteRecursivelyRemovesTreesAndIgnoresMissing() throws IOException {
        store.write("t/a/b/c.bin", bytes("c"));
        store.write("t/d.bin", bytes("d"));
        store.deleteRecursively("t");
        assertFalse(store.exists("t"));
        store.deleteRecursively("t");
        store.write("single", bytes("s"));
        store.deleteRecursively("single");
        assertFalse(store.exists("single"));
    }

    @Test
    void mkdirsIsIdempotent() throws IOException {
        store.mkdirs("a/b/c");
        store.mkdirs("a/b/c");
        assertTrue(store.exists("a/b/c"));
        assertEquals(List.of(), store.list("a/b/c"));
    }

    @Test
    void pathsCannotEscapeTheRoot() {
        for (String bad : List.of("../outside", "/abs", "a//b", "a/./b", "a/../b", "trailing/", "back\\slash")) {
            assertThrows(IllegalArgumentException.class, () -> store.write(bad, bytes("x")), bad);
            assertThrows(IllegalArgumentException.class, () -> store.read(bad), bad);
        }
        assertFalse(Files.exists(tempDir.resolve("outside")));
    }

    @Test
    void rootIsTheDirectoryItWasOpenedOn() throws IOException {
        store.write("probe", bytes("p"));
        assertEquals(rootDir.toAbsolutePath().normalize(), Path.of(store.root()).toAbsolutePath().normalize());
    }
}
