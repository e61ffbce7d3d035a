package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactStore;
import ai.metarouter.core.artifact.ArtifactStoreProvider;
import ai.metarouter.core.artifact.ArtifactStores;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Test-only: {@code stall+<uri>} opens the real store for {@code <uri>} and freezes the process at
 * one point of a publish, so that a test can kill it there with SIGKILL, deterministically. The
 * point comes from the system property {@value #STALL_AT}:
 * <ul>
 *   <li>{@code write:<file>}: when the publisher writes {@code <file>} into staging, half of its
 *       bytes are written and flushed through a Hadoop output stream that stays open, as a writer
 *       killed mid-file leaves it (on HDFS: a file under construction whose lease nobody holds
 *       any more).</li>
 *   <li>{@code rename}: when the staged version, complete with its manifest and its claimed number,
 *       is about to be renamed into place.</li>
 * </ul>
 * Once stalled it prints {@value #STALLED} and the path on stdout and sleeps until killed.
 * Registered in the test class path's {@code META-INF/services}; the product never sees it.
 */
public final class StallingStoreProvider implements ArtifactStoreProvider {
    static final String STALL_AT = "metarouter.test.stall-at";
    static final String STALLED = "STALLED";
    private static final String PREFIX = "stall+";

    @Override
    public boolean supports(URI uri) {
        return uri.getScheme() != null && uri.getScheme().startsWith(PREFIX);
    }

    @Override
    public int priority() {
        return PRIORITY_NATIVE;
    }

    @Override
    public ArtifactStore open(URI root) throws IOException {
        String point = System.getProperty(STALL_AT);
        if (point == null) throw new IllegalStateException(root + " needs -D" + STALL_AT + "=write:<file>|rename");
        URI inner = URI.create(root.toString().substring(PREFIX.length()));
        return new StallingStore(ArtifactStores.open(inner), point);
    }

    /** Stalls forever: the test kills the process. */
    static void stall(String where) {
        System.out.println(STALLED + " " + where);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class StallingStore implements ArtifactStore {
        private final ArtifactStore delegate;
        private final String point;

        StallingStore(ArtifactStore delegate, String point) {
            this.delegate = delegate;
            this.point = point;
        }

        @Override
        public void write(String path, byte[] content) throws IOException {
            if (point.startsWith("write:") && path.startsWith("_staging/") && path.endsWith("/" + point.substring("write:".length()))) {
                Configuration conf = new Configuration();
                FileSystem fs = FileSystem.newInstance(delegate.root(), conf);
                FSDataOutputStream out = fs.create(new Path(delegate.root().toString() + "/" + path), true);
                out.write(content, 0, content.length / 2);
                out.hflush();
                stall(path + " (" + content.length / 2 + " of " + content.length + " bytes)");
            }
            delegate.write(path, content);
        }

        @Override
        public void renameDirectory(String from, String to) throws IOException {
            if (point.equals("rename")) stall(from + " -> " + to);
            delegate.renameDirectory(from, to);
        }

        @Override public URI root() { return delegate.root(); }
        @Override public List<String> list(String dir) throws IOException { return delegate.list(dir); }
        @Override public boolean exists(String path) throws IOException { return delegate.exists(path); }
        @Override public byte[] read(String path) throws IOException { return delegate.read(path); }
        @Override public InputStream open(String path) throws IOException { return delegate.open(path); }
        @Override public boolean createExclusive(String path, byte[] content) throws IOException { return delegate.createExclusive(path, content); }
        @Override public void mkdirs(String dir) throws IOException { delegate.mkdirs(dir); }
        @Override public void replaceAtomically(String path, String temporary, byte[] content) throws IOException {
            delegate.replaceAtomically(path, temporary, content);
        }
        @Override public void deleteRecursively(String path) throws IOException { delegate.deleteRecursively(path); }
        @Override public void close() throws IOException { delegate.close(); }
    }
}
