package ai.metarouter.jobs.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small-file access through Hadoop FileSystem, so every URI form the contract allows ({@code file:},
 * {@code hdfs:}, {@code s3a:}, plain paths) works the same way. I/O failures surface as
 * {@link UncheckedIOException} whose message names the path.
 */
public final class HadoopFiles {
    private HadoopFiles() {}

    /** The file system serving {@code path}. */
    public static FileSystem fileSystem(Configuration conf, Path path) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for " + path + ": " + e.getMessage(), e);
        }
    }

    /** {@code path} made absolute and qualified with its scheme, so messages and renames are unambiguous. */
    public static Path qualify(Configuration conf, String uri) {
        Path path = new Path(uri);
        return fileSystem(conf, path).makeQualified(path);
    }

    public static boolean exists(Configuration conf, Path path) {
        try {
            return fileSystem(conf, path).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + path + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code path} is a directory. */
    public static boolean isDirectory(Configuration conf, Path path) {
        try {
            return fileSystem(conf, path).getFileStatus(path).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + path + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code path} exists and is a non-empty file or a directory with at least one entry. */
    public static boolean existsNonEmpty(Configuration conf, Path path) {
        FileSystem fs = fileSystem(conf, path);
        try {
            FileStatus status = fs.getFileStatus(path);
            return status.isDirectory() ? fs.listStatus(path).length > 0 : status.getLen() > 0;
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + path + ": " + e.getMessage(), e);
        }
    }

    public static String readUtf8(Configuration conf, Path path) {
        try (InputStream in = fileSystem(conf, path).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException(path + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes (replacing) a small UTF-8 file, creating parent directories. */
    public static void writeUtf8(Configuration conf, Path path, String content) {
        try (OutputStream out = fileSystem(conf, path).create(path, true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
