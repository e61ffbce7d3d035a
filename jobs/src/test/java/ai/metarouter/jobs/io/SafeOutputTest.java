package ai.metarouter.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SafeOutput on the real local file system, through Hadoop FileSystem. */
class SafeOutputTest {
    private final Configuration conf = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void commitMovesStagedOutputIntoPlaceAndLeavesNoStaging() throws Exception {
        Path target = tmp.resolve("out");
        try (SafeOutput out = SafeOutput.begin(conf, "--output", target.toString(), false)) {
            assertTrue(out.staging().getName().startsWith(".out.staging-"), "staging is a hidden sibling");
            assertFalse(Files.exists(target), "nothing at the target before commit");
            HadoopFiles.writeUtf8(conf, new org.apache.hadoop.fs.Path(out.staging(), "a.txt"), "hello");
            out.commit();
        }
        assertEquals("hello", Files.readString(target.resolve("a.txt")));
        assertEquals(1, entries(tmp), "only the target is left");
    }

    @Test
    void failureBeforeCommitLeavesNothing() throws Exception {
        Path target = tmp.resolve("out");
        assertThrows(IllegalStateException.class, () -> {
            try (SafeOutput out = SafeOutput.begin(conf, "--output", target.toString(), false)) {
                HadoopFiles.writeUtf8(conf, new org.apache.hadoop.fs.Path(out.staging(), "part"), "half");
                throw new IllegalStateException("job failed");
            }
        });
        assertEquals(0, entries(tmp), "neither target nor staging remains");
    }

    @Test
    void refusesNonEmptyTargetWithoutOverwrite() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(target.resolve("old.txt"), "old");
        SafeOutput.OutputExistsException e = assertThrows(SafeOutput.OutputExistsException.class,
                () -> SafeOutput.begin(conf, "--output", target.toString(), false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertEquals("old", Files.readString(target.resolve("old.txt")));
    }

    @Test
    void overwriteReplacesTheOldOutputCompletely() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(target.resolve("old.txt"), "old");
        try (SafeOutput out = SafeOutput.begin(conf, "--output", target.toString(), true)) {
            HadoopFiles.writeUtf8(conf, new org.apache.hadoop.fs.Path(out.staging(), "new.txt"), "new");
            out.commit();
        }
        assertFalse(Files.exists(target.resolve("old.txt")));
        assertEquals("new", Files.readString(target.resolve("new.txt")));
        assertEquals(1, entries(tmp), "the moved-aside old output is deleted");
    }

    @Test
    void anEmptyExistingDirectoryIsNotOutput() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("out"));
        try (SafeOutput out = SafeOutput.begin(conf, "--output", "file:" + target, false)) {
            HadoopFiles.writeUtf8(conf, new org.apache.hadoop.fs.Path(out.staging(), "x"), "x");
            out.commit();
        }
        assertEquals("x", Files.readString(target.resolve("x")));
    }

    private static long entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
