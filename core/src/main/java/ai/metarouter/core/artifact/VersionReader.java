package ai.metarouter.core.artifact;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and verifies one version directory, committed ({@code v<N>}) or still in staging. The
 * publisher verifies its staged copy with this same code before committing, so what is committed
 * has already passed exactly the checks every reader applies.
 */
final class VersionReader {
    private final ArtifactStore store;

    VersionReader(ArtifactStore store) {
        this.store = store;
    }

    /**
     * Reads {@code dir}'s manifest and every file it lists; verifies format versions, sizes,
     * SHA-256 digests, that the manifest is for {@code expectedVersion}, and that the weights
     * decode.
     */
    LoadedArtifact load(String dir, int expectedVersion) throws IOException {
        Manifest manifest = readManifest(dir, expectedVersion);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Manifest.FileEntry entry : manifest.files()) {
            String path = dir + "/" + entry.path();
            byte[] bytes;
            try {
                bytes = store.read(path);
            } catch (NoSuchFileException e) {
                throw new ArtifactFormatException(label(path) + " is listed in the manifest but missing");
            }
            checkDigest(path, entry, bytes);
            files.put(entry.path(), bytes);
        }
        String weightsPath = dir + "/" + ArtifactLayout.WEIGHTS_FILE;
        TensorBundle weights = TensorBundleCodec.decode(files.get(ArtifactLayout.WEIGHTS_FILE), label(weightsPath));
        return new LoadedArtifact(store.root(), expectedVersion, manifest, weights, files);
    }

    /** The manifest alone, format-checked but without reading the other files. */
    Manifest readManifest(String dir, int expectedVersion) throws IOException {
        String path = dir + "/" + ArtifactLayout.MANIFEST_FILE;
        byte[] json;
        try {
            json = store.read(path);
        } catch (NoSuchFileException e) {
            throw new ArtifactFormatException(label(dir) + " has no " + ArtifactLayout.MANIFEST_FILE
                    + " (an incomplete copy, or not a version directory)");
        }
        Manifest manifest = ManifestCodec.fromJson(json, label(path));
        if (manifest.artifactVersion() != expectedVersion) {
            throw new ArtifactFormatException(label(path) + " says artifact_version " + manifest.artifactVersion()
                    + " but is in the directory of version " + expectedVersion);
        }
        if (manifest.file(ArtifactLayout.WEIGHTS_FILE).isEmpty()) {
            throw new ArtifactFormatException(label(path) + " does not list " + ArtifactLayout.WEIGHTS_FILE);
        }
        return manifest;
    }

    private void checkDigest(String path, Manifest.FileEntry entry, byte[] bytes) {
        if (bytes.length != entry.bytes()) {
            throw new ChecksumMismatchException(path, label(path) + ": size mismatch: manifest says "
                    + entry.bytes() + " bytes, file has " + bytes.length + " (damaged or replaced after publishing)");
        }
        String actual = Checksums.sha256Hex(bytes);
        if (!actual.equals(entry.sha256())) {
            throw new ChecksumMismatchException(path, label(path) + ": checksum mismatch: manifest says sha256 "
                    + entry.sha256() + ", file has " + actual + " (damaged or replaced after publishing)");
        }
    }

    /** A path as users should see it in messages: the registry URI plus the relative path. */
    String label(String relative) {
        String root = store.root().toString();
        return root.endsWith("/") ? root + relative : root + "/" + relative;
    }
}
