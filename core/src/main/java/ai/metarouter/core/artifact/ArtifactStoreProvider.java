package ai.metarouter.core.artifact;

import java.io.IOException;
import java.net.URI;

/**
 * Makes {@link ArtifactStore}s for the URI schemes it supports. Registered through
 * {@code META-INF/services/ai.metarouter.core.artifact.ArtifactStoreProvider}; core registers the
 * {@code file:} provider, the jobs module the Hadoop one ({@code hdfs:}, {@code s3a:}, ...).
 *
 * <p>When several providers support a URI, {@link ArtifactStores} picks the highest
 * {@link #priority()} and breaks ties by class name, so resolution never depends on class-path
 * order. Core's {@code file:} provider has {@link #PRIORITY_NATIVE} and beats Hadoop's
 * ({@link #PRIORITY_FALLBACK}) for {@code file:} because {@code java.nio} gives truly atomic
 * exclusive create and replace on a local disk, which Hadoop's local file system only emulates.
 */
public interface ArtifactStoreProvider {
    /** Priority of a provider built for its scheme's native semantics. */
    int PRIORITY_NATIVE = 100;
    /** Priority of a general-purpose provider that also covers schemes with native providers. */
    int PRIORITY_FALLBACK = 10;

    /** Whether this provider can open a store for {@code uri} (normally decided by scheme). */
    boolean supports(URI uri);

    /** Higher wins when several providers support a URI. */
    int priority();

    /** Opens a store rooted at {@code root}; the root directory need not exist yet. */
    ArtifactStore open(URI root) throws IOException;
}
