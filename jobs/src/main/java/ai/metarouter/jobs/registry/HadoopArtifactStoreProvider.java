package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactStore;
import ai.metarouter.core.artifact.ArtifactStoreProvider;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Opens {@link HadoopArtifactStore}s for every URI scheme Hadoop has a file system for
 * ({@code hdfs:}, {@code s3a:} when hadoop-aws is present, {@code file:}, ...). Registered in
 * {@code META-INF/services/ai.metarouter.core.artifact.ArtifactStoreProvider}.
 *
 * <p>Priority {@link #PRIORITY_FALLBACK}: for {@code file:} core's {@code java.nio} provider
 * (priority {@link #PRIORITY_NATIVE}) wins, whatever the class-path order, because it gives truly
 * atomic exclusive create and replace on a local disk. Uses Hadoop's default configuration
 * ({@code core-site.xml}/{@code hdfs-site.xml} on the class path); jobs that need Spark's Hadoop
 * configuration call {@link HadoopArtifactStore#open(URI, Configuration)} directly.
 */
public final class HadoopArtifactStoreProvider implements ArtifactStoreProvider {
    private static final class DefaultConfiguration {
        /** Loaded once: reading the XML resources costs milliseconds per instance. */
        static final Configuration INSTANCE = new Configuration();
    }

    @Override
    public boolean supports(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) return false;
        // Hadoop always has file:, and core's provider wins it anyway: answering without loading
        // Hadoop's configuration keeps local-registry commands (promote, versions) fast.
        if (scheme.equalsIgnoreCase("file")) return true;
        try {
            FileSystem.getFileSystemClass(scheme, DefaultConfiguration.INSTANCE);
            return true;
        } catch (IOException e) {
            return false; // UnsupportedFileSystemException: Hadoop knows no file system for it
        }
    }

    @Override
    public int priority() {
        return PRIORITY_FALLBACK;
    }

    @Override
    public ArtifactStore open(URI root) throws IOException {
        return HadoopArtifactStore.open(root, DefaultConfiguration.INSTANCE);
    }
}
