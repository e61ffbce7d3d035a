package ai.metarouter.core.artifact;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Copies one verified version from a registry to another (a training registry on HDFS to a
 * serving tier's bucket or directory, say), keeping its number, manifest and files.
 *
 * <ul>
 *   <li>The source version is verified completely (every checksum, the formats) before anything
 *       is written; a damaged version is never copied.</li>
 *   <li>The copy goes through the destination's staged publish ({@link ArtifactRegistry#importVersion}),
 *       so the destination never shows a partial version, even if the copy dies half-way; a
 *       retry after such a death simply copies again.</li>
 *   <li>After the copy, the destination's version is read back and verified, and its manifest
 *       (which carries every file's SHA-256) must equal the source's.</li>
 *   <li>Idempotent: if the destination already has the version with an identical manifest,
 *       nothing is copied. A different artifact under that number, or a damaged one, is never
 *       replaced: the export fails and says why.</li>
 *   <li>The destination's LATEST moves only when asked, after the verification.</li>
 * </ul>
 */
public final class VersionExport {
    private VersionExport() {}

    /** What the export did at the destination. */
    public enum Outcome {
        /** The version was copied. */
        COPIED,
        /** The destination already had the identical version; nothing was written. */
        ALREADY_PRESENT
    }

    /**
     * @param version the version number (the same in both registries)
     * @param outcome whether it was copied or already there
     * @param latestBefore the destination's LATEST before the export, if it had one
     * @param promoted whether the destination's LATEST now names {@code version} because of this export
     */
    public record Result(int version, Outcome outcome, OptionalInt latestBefore, boolean promoted) {}

    /**
     * Exports version {@code versionRef} ({@code latest} or a number) of {@code from} to {@code to}.
     *
     * @param promote whether to point the destination's LATEST at the version afterwards
     * @throws ArtifactException if the source version fails verification, or the destination has a
     *     different or damaged artifact under its number, or the copy does not verify
     */
    public static Result export(ArtifactRegistry from, ArtifactRegistry to, String versionRef, boolean promote) throws IOException {
        int version = from.resolve(versionRef);
        LoadedArtifact source;
        try {
            source = from.load(version);
        } catch (ArtifactException e) {
            throw new ArtifactException("source version " + version + " fails verification, nothing exported ("
                    + e.getMessage() + ")", e);
        }
        Outcome outcome;
        if (destinationHasDirectory(to, version)) {
            requireIdentical(source, to);
            outcome = Outcome.ALREADY_PRESENT;
        } else {
            try {
                to.importVersion(source);
                outcome = Outcome.COPIED;
            } catch (ArtifactException e) {
                // Someone else committed this number between the check and the rename: identical
                // (a concurrent export of the same version) is success, anything else is refused.
                if (!destinationHasDirectory(to, version)) throw e;
                outcome = Outcome.ALREADY_PRESENT;
            }
            // Either way, what now stands at the destination is read back and verified, once.
            requireIdentical(source, to);
        }
        OptionalInt before = latestPointer(to);
        if (promote) to.promote(version);
        return new Result(version, outcome, before, promote);
    }

    /** Loads the destination's copy (full verification) and requires its manifest to equal the source's. */
    private static void requireIdentical(LoadedArtifact source, ArtifactRegistry to) throws IOException {
        int version = source.version();
        LoadedArtifact copy;
        try {
            copy = to.load(version);
        } catch (ArtifactException e) {
            throw new ArtifactException("destination " + to.uri() + " has a version " + version
                    + " that fails verification, which export never replaces (" + e.getMessage() + ")", e);
        }
        Optional<String> difference = difference(source.manifest(), copy.manifest());
        if (difference.isPresent()) {
            throw new ArtifactException("destination " + to.uri() + " already has a different artifact as version " + version
                    + " (" + difference.get() + "); export never replaces a version: use another destination or remove it there");
        }
    }

    /** The first way two manifests differ, for the error message; empty if they are equal. */
    static Optional<String> difference(Manifest source, Manifest destination) {
        if (source.equals(destination)) return Optional.empty();
        TreeSet<String> others = new TreeSet<>();
        source.files().forEach(f -> others.add(f.path()));
        destination.files().forEach(f -> others.add(f.path()));
        others.remove(ArtifactLayout.WEIGHTS_FILE);
        List<String> names = new ArrayList<>(List.of(ArtifactLayout.WEIGHTS_FILE)); // the model itself first
        names.addAll(others);
        for (String name : names) {
            Optional<Manifest.FileEntry> s = source.file(name);
            Optional<Manifest.FileEntry> d = destination.file(name);
            if (s.isEmpty()) return Optional.of(name + " exists only at the destination");
            if (d.isEmpty()) return Optional.of(name + " is missing at the destination");
            if (!s.get().sha256().equals(d.get().sha256())) {
                return Optional.of(name + ": sha256 " + abbreviate(d.get().sha256()) + " at the destination, "
                        + abbreviate(s.get().sha256()) + " at the source");
            }
        }
        List<String> fields = new ArrayList<>();
        if (!source.createdAt().equals(destination.createdAt())) {
            fields.add("created_at " + destination.createdAt() + " at the destination, " + source.createdAt() + " at the source");
        }
        if (!Objects.equals(source.catalog(), destination.catalog())) fields.add("the model catalogs differ");
        if (!Objects.equals(source.trainingData(), destination.trainingData())) fields.add("the training data differ");
        if (!Objects.equals(source.featureSpec(), destination.featureSpec())) fields.add("the feature specs differ");
        if (!Objects.equals(source.trainingConfig(), destination.trainingConfig())) fields.add("the training configs differ");
        if (!Objects.equals(source.metrics(), destination.metrics())) fields.add("the metrics differ");
        return Optional.of(fields.isEmpty() ? "the manifests differ" : String.join("; ", fields));
    }

    /** Whether {@code v<N>} exists at the destination, complete or not. */
    private static boolean destinationHasDirectory(ArtifactRegistry to, int version) throws IOException {
        try {
            to.readManifest(version);
            return true;
        } catch (NoSuchVersionException e) {
            return false;
        } catch (ArtifactException e) {
            return true; // a v<N> directory whose manifest is missing or unreadable: it is there, and damaged
        }
    }

    private static OptionalInt latestPointer(ArtifactRegistry registry) throws IOException {
        try {
            return registry.latestPointer();
        } catch (ArtifactException e) {
            return OptionalInt.empty(); // unreadable LATEST: promoting repairs it
        }
    }

    private static String abbreviate(String sha256) {
        return sha256.substring(0, 12) + "...";
    }
}
