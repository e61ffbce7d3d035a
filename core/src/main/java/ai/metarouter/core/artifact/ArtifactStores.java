package ai.metarouter.core.artifact;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Finds the {@link ArtifactStore} for a registry URI through {@link ServiceLoader}. Plain paths
 * (no scheme) are local directories, resolved against the working directory.
 */
public final class ArtifactStores {
    /** A URI scheme of at least two characters, so that a Windows drive letter is a path, not a scheme. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

    private ArtifactStores() {}

    /** Opens the store for {@code uriOrPath} (a URI such as {@code hdfs://nn/registry}, or a plain path). */
    public static ArtifactStore open(String uriOrPath) throws IOException {
        return open(toUri(uriOrPath));
    }

    public static ArtifactStore open(URI uri) throws IOException {
        return provider(uri).open(uri);
    }

    /** Parses a registry location: a URI with a scheme, or a local path made absolute. */
    public static URI toUri(String uriOrPath) {
        if (uriOrPath == null || uriOrPath.isBlank()) throw new IllegalArgumentException("registry location is empty");
        if (SCHEME.matcher(uriOrPath).matches()) {
            try {
                return new URI(uriOrPath);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a valid registry URI '" + uriOrPath + "': " + e.getReason(), e);
            }
        }
        return Path.of(uriOrPath).toAbsolutePath().normalize().toUri();
    }

    /**
     * The provider that opens {@code uri}: among all registered providers that support it, the
     * one with the highest priority, ties broken by class name (deterministic whatever the
     * class-path order).
     */
    public static ArtifactStoreProvider provider(URI uri) {
        return select(providers(), uri);
    }

    /** The choice rule of {@link #provider}, over an explicit list of providers. */
    static ArtifactStoreProvider select(List<ArtifactStoreProvider> providers, URI uri) {
        List<ArtifactStoreProvider> candidates = new ArrayList<>();
        for (ArtifactStoreProvider p : providers) {
            if (p.supports(uri)) candidates.add(p);
        }
        return candidates.stream()
                .min(Comparator.comparingInt(ArtifactStoreProvider::priority).reversed()
                        .thenComparing(p -> p.getClass().getName()))
                .orElseThrow(() -> new ArtifactException("no artifact store supports '" + uri + "' (scheme '"
                        + uri.getScheme() + "'); hdfs:, s3a: and other Hadoop file systems need the "
                        + "metarouter-jobs jar (HadoopArtifactStoreProvider) on the class path"));
    }

    /** Every registered provider, from the context class loader and from core's own loader. */
    static List<ArtifactStoreProvider> providers() {
        List<ArtifactStoreProvider> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = ArtifactStores.class.getClassLoader();
        for (ClassLoader loader : context == null || context == own ? List.of(own) : List.of(context, own)) {
            for (ArtifactStoreProvider p : ServiceLoader.load(ArtifactStoreProvider.class, loader)) {
                if (!seen.contains(p.getClass().getName())) {
                    seen.add(p.getClass().getName());
                    out.add(p);
                }
            }
        }
        return out;
    }
}
