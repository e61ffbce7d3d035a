package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactStore;
import ai.metarouter.core.artifact.LocalArtifactStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.local.RawLocalFs;
import org.apache.hadoop.ipc.RemoteException;

/**
 * {@link ArtifactStore} over Hadoop's FileSystem/FileContext API: HDFS, S3A and any other file
 * system Hadoop is configured for.
 *
 * <p>How each atomic operation maps (see {@code data-schemas/artifact-format.md}):
 * <ul>
 *   <li>exclusive create: {@code FileSystem.create(path, overwrite=false)}, atomic at the HDFS
 *       NameNode; "already exists" and "already being created" both mean "taken".</li>
 *   <li>directory rename: {@code FileContext.rename(src, dst, Rename.NONE)}, which refuses an
 *       existing target (unlike {@code FileSystem.rename}, which would move the source
 *       <em>into</em> an existing directory).</li>
 *   <li>replace LATEST: write a temporary file, then {@code FileContext.rename(tmp, LATEST,
 *       Rename.OVERWRITE)}, atomic on HDFS.</li>
 * </ul>
 * S3A offers none of the three atomically; run one publisher at a time there.
 *
 * <p>On the local file system ({@code file:}) Hadoop goes through {@link RawLocalFileSystem}:
 * the manifest's SHA-256 digests supersede Hadoop's {@code .crc} sidecar files, and mixing
 * checksummed and raw views of one directory leaves stale sidecars behind. Hadoop only emulates
 * exclusive create (exists-then-create) and overwriting rename (delete-then-rename) locally, so
 * there those two operations go through core's {@link LocalArtifactStore} ({@code O_EXCL} and
 * {@code rename(2)}) on the same directory.
 */
public final class HadoopArtifactStore implements ArtifactStore {
    private final URI rootUri;
    private final Path root;
    private final FileSystem fs;
    private final FileContext fc;
    /** Core's store on the same directory when it is on the local disk; null otherwise. */
    private final LocalArtifactStore localOps;

    private HadoopArtifactStore(URI rootUri, Path root, FileSystem fs, FileContext fc, LocalArtifactStore localOps) {
        this.rootUri = rootUri;
        this.root = root;
        this.fs = fs;
        this.fc = fc;
        this.localOps = localOps;
    }

    /**
     * Opens a store at {@code root} with {@code conf} (pass Spark's
     * {@code sparkContext().hadoopConfiguration()} inside a job so that credentials and
     * file-system settings given as {@code spark.hadoop.*} apply). The configuration is copied.
     */
    public static HadoopArtifactStore open(URI root, Configuration conf) throws IOException {
        return open(root, conf, true);
    }

    /**
     * @param localShortcuts whether local-disk stores use core's java.nio operations for
     *     exclusive create and replace; tests turn it off to run the code path HDFS takes
     */
    static HadoopArtifactStore open(URI root, Configuration conf, boolean localShortcuts) throws IOException {
        if (root.getScheme() == null) {
            throw new IllegalArgumentException("registry URI needs a scheme (file:, hdfs:, s3a:, ...): " + root);
        }
        Configuration c = new Configuration(conf);
        c.setClass("fs.file.impl", RawLocalFileSystem.class, FileSystem.class);
        c.set("fs.AbstractFileSystem.file.impl", RawLocalFs.class.getName());
        // A private instance: closing this store must not close the FileSystem Spark tasks share.
        FileSystem fs = FileSystem.newInstance(root, c);
        Path qualified = fs.makeQualified(new Path(root));
        FileContext fc = FileContext.getFileContext(qualified.toUri(), c);
        LocalArtifactStore localOps = null;
        if (localShortcuts && isLocal(fs)) {
            localOps = new LocalArtifactStore(rawLocal(fs).pathToFile(qualified).toPath());
        }
        return new HadoopArtifactStore(qualified.toUri(), qualified, fs, fc, localOps);
    }

    private static boolean isLocal(FileSystem fs) {
        return fs instanceof RawLocalFileSystem || fs instanceof LocalFileSystem;
    }

    private static RawLocalFileSystem rawLocal(FileSystem fs) {
        return fs instanceof LocalFileSystem local ? (RawLocalFileSystem) local.getRawFileSystem() : (RawLocalFileSystem) fs;
    }

    @Override
    public URI root() {
        return rootUri;
    }

    @Override
    public List<String> list(String dir) throws IOException {
        FileStatus[] children;
        try {
            children = fs.listStatus(path(dir));
        } catch (FileNotFoundException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>(children.length);
        for (FileStatus child : children) names.add(child.getPath().getName());
        Collections.sort(names);
        return names;
    }

    @Override
    public boolean exists(String path) throws IOException {
        return fs.exists(path(path));
    }

    @Override
    public byte[] read(String path) throws IOException {
        try (FSDataInputStream in = fs.open(path(path))) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw noSuchFile(path, e);
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        try {
            return fs.open(path(path));
        } catch (FileNotFoundException e) {
            throw noSuchFile(path, e);
        }
    }

    @Override
    public void write(String path, byte[] content) throws IOException {
        try (FSDataOutputStream out = fs.create(path(path), true)) {
            writeDurably(out, content);
        }
    }

    @Override
    public boolean createExclusive(String path, byte[] content) throws IOException {
        if (localOps != null) return localOps.createExclusive(path, content);
        FSDataOutputStream out;
        try {
            out = fs.create(path(path), false);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (RemoteException e) {
            // The NameNode refuses a file another client is still creating with
            // AlreadyBeingCreatedException: taken all the same.
            if (e.getClassName().endsWith("AlreadyBeingCreatedException")
                    || e.getClassName().endsWith("FileAlreadyExistsException")) {
                return false;
            }
            throw e;
        } catch (IOException e) {
            if (e.getClass().getSimpleName().equals("AlreadyBeingCreatedException")) return false;
            throw e;
        }
        try (out) {
            writeDurably(out, content);
        }
        return true;
    }

    @Override
    public void mkdirs(String dir) throws IOException {
        if (!fs.mkdirs(path(dir))) throw new IOException("could not create directory " + path(dir));
    }

    @Override
    public void renameDirectory(String from, String to) throws IOException {
        Path source = path(from);
        Path target = path(to);
        try {
            if (!fs.getFileStatus(source).isDirectory()) {
                throw new NoSuchFileException(source.toString(), null, "not a directory");
            }
            fc.rename(source, target, Options.Rename.NONE);
        } catch (FileAlreadyExistsException e) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString(), null, "target exists");
        } catch (FileNotFoundException e) {
            throw noSuchFile(from, e);
        }
    }

    @Override
    public void replaceAtomically(String path, String temporary, byte[] content) throws IOException {
        if (localOps != null) {
            localOps.replaceAtomically(path, temporary, content);
            return;
        }
        Path temp = path(temporary);
        write(temporary, content);
        try {
            fc.rename(temp, path(path), Options.Rename.OVERWRITE);
        } catch (IOException e) {
            fs.delete(temp, false);
            throw e;
        }
    }

    @Override
    public void deleteRecursively(String path) throws IOException {
        fs.delete(path(path), true);
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }

    @Override
    public String toString() {
        return "HadoopArtifactStore[" + rootUri + (localOps != null ? ", local" : "") + "]";
    }

    private Path path(String relative) {
        String checked = ArtifactStore.checkRelativePath(relative);
        return checked.isEmpty() ? root : new Path(root, checked);
    }

    private NoSuchFileException noSuchFile(String relative, IOException cause) {
        NoSuchFileException e = new NoSuchFileException(path(relative).toString());
        e.initCause(cause);
        return e;
    }

    /** On HDFS, close() alone leaves data in DataNode memory; hsync makes it durable where supported. */
    private static void writeDurably(FSDataOutputStream out, byte[] content) throws IOException {
        out.write(content);
        if (out.hasCapability(StreamCapabilities.HSYNC)) out.hsync();
    }
}
