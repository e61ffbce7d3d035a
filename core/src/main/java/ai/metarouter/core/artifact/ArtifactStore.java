package ai.metarouter.core.artifact;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * The few file-system operations a registry needs, rooted at the registry's URI, so that core can
 * read and write registries without Hadoop. Paths are relative to {@link #root()}, use {@code /}
 * as separator and never contain {@code .} or {@code ..} segments; they come from
 * {@link ArtifactLayout}.
 *
 * <p>The registry's safety rests on three operations being atomic on the underlying storage:
 * {@link #createExclusive} (two publishers can never both claim a number),
 * {@link #renameDirectory} (a version appears complete or not at all) and
 * {@link #replaceAtomically} (LATEST always names some committed version). Implementations say
 * in their documentation where their storage falls short of that.
 *
 * <p>Missing files are reported with {@link NoSuchFileException}, existing targets with
 * {@link FileAlreadyExistsException}, whatever the storage, so the registry can react to them.
 * Found through {@link ArtifactStores} by URI scheme.
 */
public interface ArtifactStore extends Closeable {
    /** The path of the root itself, for {@link #list}, {@link #exists} and {@link #mkdirs}. */
    String ROOT = "";

    /** The registry root this store is bound to. */
    URI root();

    /** Names of the direct children of {@code dir} (files and directories), sorted; empty if {@code dir} does not exist. */
    List<String> list(String dir) throws IOException;

    /** Whether a file or directory exists at {@code path}. */
    boolean exists(String path) throws IOException;

    /** The whole file. @throws NoSuchFileException if it does not exist */
    byte[] read(String path) throws IOException;

    /** A stream over the file, for digesting large files. @throws NoSuchFileException if it does not exist */
    InputStream open(String path) throws IOException;

    /** Creates or overwrites a file, creating parent directories; durable when this returns. */
    void write(String path, byte[] content) throws IOException;

    /**
     * Creates a file only if nothing exists at {@code path}, atomically with respect to other
     * callers of this method; creates parent directories.
     *
     * @return true if this call created the file, false if it already existed
     */
    boolean createExclusive(String path, byte[] content) throws IOException;

    /** Creates a directory and its parents; no-op if it exists. */
    void mkdirs(String dir) throws IOException;

    /**
     * Renames directory {@code from} to {@code to} in one step, so that readers see either no
     * {@code to} or all of it.
     *
     * @throws FileAlreadyExistsException if {@code to} exists (never merged into or replaced)
     * @throws NoSuchFileException if {@code from} does not exist
     */
    void renameDirectory(String from, String to) throws IOException;

    /**
     * Replaces the small file {@code path} with {@code content} so that readers see the old or
     * the new content, never a missing or partial file: writes {@code temporary} first, then
     * renames it over {@code path}.
     */
    void replaceAtomically(String path, String temporary, byte[] content) throws IOException;

    /** Deletes a file or a directory tree; no-op if nothing exists at {@code path}. */
    void deleteRecursively(String path) throws IOException;

    /**
     * Checks a store-relative path and returns it: {@link #ROOT}, or segments separated by
     * {@code /} with no leading or trailing {@code /}, no empty, {@code .} or {@code ..} segments
     * and no backslashes. Implementations call it on every path so that no caller can escape the
     * registry root.
     */
    static String checkRelativePath(String path) {
        if (ROOT.equals(path)) return path;
        if (path == null || path.startsWith("/") || path.endsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("not a relative registry path: '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a relative registry path: '" + path + "'");
            }
        }
        return path;
    }
}
