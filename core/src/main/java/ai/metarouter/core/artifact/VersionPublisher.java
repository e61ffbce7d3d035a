package ai.metarouter.core.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SortedMap;

/**
 * Turns a set of files into a committed version without ever exposing a partial one.
 *
 * <ol>
 *   <li>Write every file into a fresh {@code _staging/<id>/} (the id records when, see
 *       {@link ArtifactLayout#newStagingId}) and re-read it against its digest.</li>
 *   <li>Claim a version number N by exclusively creating {@code _claims/v<N>.claim}; if another
 *       publisher holds N, try N+1. Claims are never removed, so no number is handed out twice
 *       even if its publisher dies before committing (the registry then has a gap at N).</li>
 *   <li>Write {@code manifest.json} last (it carries N), re-read and verify the whole staged
 *       version with the readers' own code.</li>
 *   <li>Rename {@code _staging/<id>} to {@code v<N>}: the single step that makes it visible.</li>
 * </ol>
 *
 * Any failure deletes the staging directory (best effort; a killed process leaves it behind,
 * invisible to readers, and {@link ArtifactRegistry#removeStaleStaging} deletes it by age).
 *
 * <p>Publishing under a given number ({@link #publishAs}, the import of a version exported from
 * another registry) claims the number too, so that no {@link #publishNext} picks it meanwhile,
 * but does not require the claim to be its own: an import killed after claiming must not block
 * the retry of the same copy forever. The rename, which refuses an existing target, decides
 * between an import and anyone else who staged the same number.
 */
final class VersionPublisher {
    /** Far more than any real contention; bounds the loop if a store misreports claims. */
    private static final int MAX_CLAIM_ATTEMPTS = 10_000;

    private final ArtifactStore store;
    private final VersionReader reader;
    private final Clock clock;

    /** @param clock the time recorded in staging ids and claims */
    VersionPublisher(ArtifactStore store, VersionReader reader, Clock clock) {
        this.store = store;
        this.reader = reader;
        this.clock = clock;
    }

    /**
     * Publishes {@code files} (name -> bytes, without the manifest) under the next free number.
     *
     * @param manifestFor builds the manifest once the number is known, given the number
     */
    int publishNext(SortedMap<String, byte[]> files, ManifestFactory manifestFor) throws IOException {
        return publish(files, manifestFor, OptionalInt.empty());
    }

    /** Publishes under exactly {@code version}; fails if a version with that number exists or appears meanwhile. */
    int publishAs(int version, SortedMap<String, byte[]> files, ManifestFactory manifestFor) throws IOException {
        return publish(files, manifestFor, OptionalInt.of(version));
    }

    /** Builds the manifest of version N from the staged files' entries. */
    interface ManifestFactory {
        Manifest create(int version, List<Manifest.FileEntry> files);
    }

    private int publish(SortedMap<String, byte[]> files, ManifestFactory manifestFor, OptionalInt fixed) throws IOException {
        String stagingId = ArtifactLayout.newStagingId(clock.instant());
        String staging = ArtifactLayout.stagingDir(stagingId);
        try {
            store.mkdirs(staging);
            List<Manifest.FileEntry> entries = stageFiles(stagingId, files);
            return fixed.isPresent()
                    ? commitAs(fixed.getAsInt(), stagingId, entries, manifestFor)
                    : commitNext(stagingId, entries, manifestFor);
        } catch (IOException | RuntimeException | Error e) {
            try {
                store.deleteRecursively(staging);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private List<Manifest.FileEntry> stageFiles(String stagingId, SortedMap<String, byte[]> files) throws IOException {
        List<Manifest.FileEntry> entries = new ArrayList<>();
        for (var file : files.entrySet()) {
            String path = ArtifactLayout.stagingFile(stagingId, file.getKey());
            store.write(path, file.getValue());
            entries.add(new Manifest.FileEntry(file.getKey(), Checksums.sha256Hex(file.getValue()), file.getValue().length));
        }
        // Re-read before claiming a number: a store that lost or mangled a write fails here,
        // before it costs a version number.
        for (Manifest.FileEntry entry : entries) {
            String path = ArtifactLayout.stagingFile(stagingId, entry.path());
            if (!Checksums.sha256Hex(store.read(path)).equals(entry.sha256())) {
                throw new ChecksumMismatchException(path, reader.label(path) + ": reads back differently than written");
            }
        }
        return entries;
    }

    private int commitNext(String stagingId, List<Manifest.FileEntry> entries, ManifestFactory manifestFor) throws IOException {
        int candidate = highestTakenNumber() + 1;
        for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
            if (!claim(candidate, stagingId)) {
                // Someone else holds it; re-scan so that heavy contention does not step one by one.
                candidate = Math.max(candidate + 1, highestTakenNumber() + 1);
                continue;
            }
            try {
                writeManifestAndRename(candidate, stagingId, entries, manifestFor);
                return candidate;
            } catch (FileAlreadyExistsException e) {
                // v<N> exists without our claim having been refused: copied in by hand. Our claim
                // on N is spent; take the next number.
                candidate = Math.max(candidate + 1, highestTakenNumber() + 1);
            }
        }
        throw new ArtifactException(reader.label(ArtifactLayout.CLAIMS_DIR) + ": could not claim a version number in "
                + MAX_CLAIM_ATTEMPTS + " attempts");
    }

    private int commitAs(int version, String stagingId, List<Manifest.FileEntry> entries, ManifestFactory manifestFor) throws IOException {
        String taken = reader.label(ArtifactLayout.versionDir(version)) + " already exists (or is being published)";
        if (store.exists(ArtifactLayout.versionDir(version))) throw new ArtifactException(taken);
        // Keeps publishNext off this number; an existing claim (an earlier import of the same
        // version that died) is no reason to stop: the rename below refuses an existing target.
        claim(version, stagingId);
        try {
            writeManifestAndRename(version, stagingId, entries, manifestFor);
        } catch (FileAlreadyExistsException e) {
            throw new ArtifactException(taken);
        }
        return version;
    }

    private void writeManifestAndRename(int version, String stagingId, List<Manifest.FileEntry> entries,
                                        ManifestFactory manifestFor) throws IOException {
        Manifest manifest = manifestFor.create(version, entries);
        store.write(ArtifactLayout.stagingFile(stagingId, ArtifactLayout.MANIFEST_FILE), ManifestCodec.toJson(manifest));
        reader.load(ArtifactLayout.stagingDir(stagingId), version);
        store.renameDirectory(ArtifactLayout.stagingDir(stagingId), ArtifactLayout.versionDir(version));
    }

    private boolean claim(int version, String stagingId) throws IOException {
        String record = "{\"staging\":\"" + stagingId + "\",\"claimed_at\":\"" + clock.instant() + "\"}\n";
        return store.createExclusive(ArtifactLayout.claimFile(version), record.getBytes(StandardCharsets.UTF_8));
    }

    /** The highest number used by a version directory or a claim (0 if none). */
    private int highestTakenNumber() throws IOException {
        int highest = 0;
        for (String name : store.list(ArtifactStore.ROOT)) {
            highest = Math.max(highest, ArtifactLayout.parseVersionDir(name).orElse(0));
        }
        for (String name : store.list(ArtifactLayout.CLAIMS_DIR)) {
            highest = Math.max(highest, ArtifactLayout.parseClaimFile(name).orElse(0));
        }
        return highest;
    }
}
