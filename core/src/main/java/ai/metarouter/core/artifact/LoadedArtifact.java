package ai.metarouter.core.artifact;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One version, read completely and verified: the manifest's format version, every file's SHA-256
 * and size, and the weights' bundle format and CRC. Holding one means nothing further can fail
 * for format reasons, which is what serving needs before it swaps a new version in.
 */
public final class LoadedArtifact {
    private final URI registry;
    private final int version;
    private final Manifest manifest;
    private final TensorBundle weights;
    private final Map<String, byte[]> files;

    LoadedArtifact(URI registry, int version, Manifest manifest, TensorBundle weights, Map<String, byte[]> files) {
        this.registry = registry;
        this.version = version;
        this.manifest = manifest;
        this.weights = weights;
        Map<String, byte[]> copy = new LinkedHashMap<>();
        files.forEach((name, bytes) -> copy.put(name, bytes.clone()));
        this.files = Collections.unmodifiableMap(copy);
    }

    /** The registry the version was read from. */
    public URI registry() {
        return registry;
    }

    /** The artifact version number N (of {@code v<N>}). */
    public int version() {
        return version;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The decoded {@code weights.mrt}. */
    public TensorBundle weights() {
        return weights;
    }

    /** Names of the files listed in the manifest (manifest order). */
    public Set<String> fileNames() {
        return files.keySet();
    }

    /** A copy of one listed file's bytes. */
    public byte[] file(String name) {
        return optionalFile(name).orElseThrow(() -> new ArtifactException(
                registry + " v" + version + " has no file '" + name + "' (it has " + files.keySet() + ")"));
    }

    /** A copy of one file's bytes, or empty if the version has no such file (e.g. no training log). */
    public Optional<byte[]> optionalFile(String name) {
        byte[] bytes = files.get(name);
        return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
    }

    /** Every listed file (copies), for copying the version to another registry. */
    Map<String, byte[]> filesCopy() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        files.forEach((name, bytes) -> copy.put(name, bytes.clone()));
        return copy;
    }

    @Override
    public String toString() {
        return "LoadedArtifact[" + registry + " v" + version + ", files " + files.keySet() + "]";
    }
}
