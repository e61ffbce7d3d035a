package ai.metarouter.core.artifact;

import java.net.URI;
import java.nio.file.Path;

/**
 * The {@code file:} provider (plain paths become {@code file:} URIs in {@link ArtifactStores}).
 * Native priority: on a local disk it is preferred over Hadoop's local file system, see
 * {@link ArtifactStoreProvider}.
 */
public final class LocalArtifactStoreProvider implements ArtifactStoreProvider {
    @Override
    public boolean supports(URI uri) {
        return "file".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public int priority() {
        return PRIORITY_NATIVE;
    }

    @Override
    public ArtifactStore open(URI root) {
        if (root.getAuthority() != null && !root.getAuthority().isEmpty() && !root.getAuthority().equals("localhost")) {
            throw new IllegalArgumentException("file: URI with a remote host is not a local registry: " + root);
        }
        if (root.isOpaque() || root.getRawPath() == null || !root.getRawPath().startsWith("/")) {
            throw new IllegalArgumentException("file: registry URI needs an absolute path, e.g. file:///data/registry: " + root);
        }
        // Path.of(URI) wants an absolute, authority-free, hierarchical file URI.
        return new LocalArtifactStore(Path.of(URI.create("file://" + root.getRawPath())));
    }
}
