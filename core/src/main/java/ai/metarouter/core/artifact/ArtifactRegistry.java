package ai.metarouter.core.artifact;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A registry of artifact versions ({@code <registry>/v<N>/} + {@code LATEST}, see
 * {@link ArtifactLayout}) over any {@link ArtifactStore}.
 *
 * <p>Guarantees: a version becomes visible complete and verified or not at all; concurrent
 * publishers (threads or processes, on storage with atomic exclusive create) never get the same
 * number; LATEST is replaced atomically and only ever after the version it names passed full
 * verification. Version numbers increase but may have gaps (a publisher that died after claiming).
 *
 * <p>Readers treat as versions only {@code v<N>} directories holding a manifest; since the
 * manifest is written last and the directory appears by one rename, such a directory is complete.
 * {@link #load} and {@link #promote} verify every checksum and format version anyway, because
 * files can be damaged after publishing.
 *
 * <p>Thread-safe: it holds no mutable state of its own; all coordination is in the store.
 */
public final class ArtifactRegistry implements Closeable {
    private final ArtifactStore store;
    private final Clock clock;
    private final VersionReader reader;
    private final VersionPublisher publisher;

    public ArtifactRegistry(ArtifactStore store) {
        this(store, Clock.systemUTC());
    }

    /** @param clock source of {@code created_at} (tests pin it) */
    public ArtifactRegistry(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.reader = new VersionReader(store);
        this.publisher = new VersionPublisher(store, reader, clock);
    }

    /** Opens the registry at a URI ({@code file:}, {@code hdfs:}, ...) or plain path; closing it closes the store. */
    public static ArtifactRegistry open(String uriOrPath) throws IOException {
        return new ArtifactRegistry(ArtifactStores.open(uriOrPath));
    }

    public static ArtifactRegistry open(URI uri) throws IOException {
        return new ArtifactRegistry(ArtifactStores.open(uri));
    }

    public URI uri() {
        return store.root();
    }

    /**
     * Publishes a new version whose weights are {@code weights} plus any {@code extraFiles}
     * (e.g. {@link ArtifactLayout#TRAINING_LOG_FILE}).
     *
     * @return the new version number
     */
    public int publish(ManifestDraft draft, TensorBundle weights, Map<String, byte[]> extraFiles) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>(extraFiles);
        if (files.containsKey(ArtifactLayout.WEIGHTS_FILE)) {
            throw new IllegalArgumentException("extra files must not contain " + ArtifactLayout.WEIGHTS_FILE
                    + "; pass the weights as the TensorBundle");
        }
        files.put(ArtifactLayout.WEIGHTS_FILE, TensorBundleCodec.encode(weights));
        return publish(draft, files);
    }

    /**
     * Publishes a new version from ready-made files (name -> bytes). They must include a valid
     * {@link ArtifactLayout#WEIGHTS_FILE} and must not include the manifest, which the registry
     * writes.
     *
     * @return the new version number
     */
    public int publish(ManifestDraft draft, Map<String, byte[]> files) throws IOException {
        SortedMap<String, byte[]> checked = checkFiles(files);
        return publisher.publishNext(checked, (version, entries) ->
                Manifest.of(draft, version, clock.instant().truncatedTo(ChronoUnit.MILLIS), entries));
    }

    /**
     * Publishes a verified version from another registry under the same number, manifest content
     * and files (export to a serving registry; {@link VersionExport} adds the checks around it).
     * Fails if a version with that number exists here or appears meanwhile; a claim on the number
     * left by an import that died does not block it.
     *
     * @return the version number (that of {@code source})
     */
    public int importVersion(LoadedArtifact source) throws IOException {
        SortedMap<String, byte[]> files = checkFiles(source.filesCopy());
        Manifest m = source.manifest();
        return publisher.publishAs(source.version(), files, (version, entries) -> new Manifest(
                Manifest.FORMAT_VERSION, version, m.createdAt(), m.featureSpec(), m.catalog(), m.trainingData(),
                m.trainingConfig(), m.metrics(), entries));
    }

    /** Committed version numbers, ascending: {@code v<N>} directories holding a manifest. */
    public List<Integer> listVersions() throws IOException {
        List<Integer> versions = new ArrayList<>();
        for (String name : store.list(ArtifactStore.ROOT)) {
            OptionalInt n = ArtifactLayout.parseVersionDir(name);
            if (n.isPresent() && store.exists(ArtifactLayout.versionFile(n.getAsInt(), ArtifactLayout.MANIFEST_FILE))) {
                versions.add(n.getAsInt());
            }
        }
        Collections.sort(versions);
        return versions;
    }

    /** What LATEST points at, or empty if nothing has been promoted. Cheap: one small read (for polling). */
    public OptionalInt latestPointer() throws IOException {
        byte[] content;
        try {
            content = store.read(ArtifactLayout.LATEST_FILE);
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ArtifactLayout.parseLatestContent(content, reader.label(ArtifactLayout.LATEST_FILE)));
    }

    /**
     * The version LATEST points at.
     *
     * @throws LatestMissingException if nothing has been promoted
     */
    public int latestVersion() throws IOException {
        OptionalInt latest = latestPointer();
        if (latest.isEmpty()) {
            throw new LatestMissingException("registry " + uri() + " has no " + ArtifactLayout.LATEST_FILE
                    + " pointer: no version has been promoted yet (versions: " + describe(listVersions()) + ")");
        }
        return latest.getAsInt();
    }

    /** Loads and verifies the version LATEST points at. */
    public LoadedArtifact latest() throws IOException {
        return load(resolve(ArtifactLayout.LATEST_REF));
    }

    /**
     * Resolves a version reference: {@code latest} (what LATEST points at) or a number ({@code 3}
     * or {@code v3}), checked to exist.
     *
     * @throws NoSuchVersionException if the version does not exist
     * @throws LatestMissingException for {@code latest} when nothing has been promoted
     * @throws IllegalArgumentException if {@code ref} is neither
     */
    public int resolve(String ref) throws IOException {
        String r = ref == null ? "" : ref.strip();
        if (r.toLowerCase(Locale.ROOT).equals(ArtifactLayout.LATEST_REF)) {
            int latest = latestVersion();
            if (!isCommitted(latest)) {
                throw new NoSuchVersionException(latest, "registry " + uri() + ": " + ArtifactLayout.LATEST_FILE
                        + " points at version " + latest + ", which does not exist (versions: " + describe(listVersions()) + ")");
            }
            return latest;
        }
        OptionalInt n = ArtifactLayout.parseVersionDir(r.startsWith("v") ? r : "v" + r);
        if (n.isEmpty()) {
            throw new IllegalArgumentException("a version is '" + ArtifactLayout.LATEST_REF
                    + "' or a positive number, got '" + ref + "'");
        }
        requireCommitted(n.getAsInt());
        return n.getAsInt();
    }

    /** Loads version {@code version} and verifies every checksum and format version. */
    public LoadedArtifact load(int version) throws IOException {
        requireCommitted(version);
        return reader.load(ArtifactLayout.versionDir(version), version);
    }

    /** {@link #load(int)} of {@link #resolve(String) resolve(ref)}. */
    public LoadedArtifact load(String ref) throws IOException {
        return load(resolve(ref));
    }

    /** Verifies version {@code version} completely (as {@link #load}) and returns its manifest. */
    public Manifest verify(int version) throws IOException {
        return load(version).manifest();
    }

    /** Version {@code version}'s manifest, format-checked but without verifying the other files. */
    public Manifest readManifest(int version) throws IOException {
        requireCommitted(version);
        return reader.readManifest(ArtifactLayout.versionDir(version), version);
    }

    /**
     * Points LATEST at {@code version} after verifying it completely; an older version is fine
     * (rollback). Readers see the old or the new pointer, never neither.
     */
    public void promote(int version) throws IOException {
        verify(version);
        String tempId = ArtifactLayout.newStagingId(clock.instant());
        store.replaceAtomically(ArtifactLayout.LATEST_FILE, ArtifactLayout.latestTempFile(tempId),
                ArtifactLayout.latestContent(version));
    }

    /**
     * Promotes the newest version older than the current LATEST that passes verification
     * (damaged versions are skipped).
     *
     * @return the version LATEST now points at
     */
    public int rollback() throws IOException {
        int current = latestVersion();
        List<Integer> older = new ArrayList<>(listVersions().stream().filter(v -> v < current).toList());
        Collections.reverse(older);
        List<String> skipped = new ArrayList<>();
        for (int candidate : older) {
            try {
                promote(candidate);
                return candidate;
            } catch (ArtifactException e) {
                skipped.add("v" + candidate + " (" + e.getMessage() + ")");
            }
        }
        throw new ArtifactException("registry " + uri() + ": no verified version older than " + current
                + " to roll back to" + (skipped.isEmpty() ? "" : "; skipped " + String.join("; ", skipped)));
    }

    /**
     * One child of {@code _staging}: a publish in progress, or what a killed publisher (or
     * promoter) left behind. Invisible to readers either way.
     *
     * @param name the entry's name in {@code _staging}
     * @param createdAt when its publish started, if its name records it ({@link ArtifactLayout#stagingCreatedAt})
     */
    public record StagingEntry(String name, Optional<Instant> createdAt) {
        /** Age at {@code now}, if known. */
        public Optional<Duration> age(Instant now) {
            return createdAt.map(t -> Duration.between(t, now));
        }
    }

    /** Everything in {@code _staging}, sorted by name (so by creation time for entries this code made). */
    public List<StagingEntry> staging() throws IOException {
        List<StagingEntry> entries = new ArrayList<>();
        for (String name : store.list(ArtifactLayout.STAGING_DIR)) {
            entries.add(new StagingEntry(name, ArtifactLayout.stagingCreatedAt(name)));
        }
        return entries;
    }

    /**
     * Deletes the staging entries created more than {@code olderThan} ago (by this registry's
     * clock): the leftovers of killed publishers. A publish that is still running is younger than
     * any sensible {@code olderThan} (publishing takes seconds to minutes), so this is safe while
     * others publish; {@link Duration#ZERO} deletes every timed entry and is only safe when no
     * publish is running. Entries whose name records no time (not made by this code) are kept.
     * Committed versions, claims and LATEST are never touched.
     *
     * @return the entries deleted
     */
    public List<StagingEntry> removeStaleStaging(Duration olderThan) throws IOException {
        if (olderThan.isNegative()) throw new IllegalArgumentException("olderThan must be >= 0, got " + olderThan);
        Instant now = clock.instant();
        List<StagingEntry> removed = new ArrayList<>();
        for (StagingEntry entry : staging()) {
            Optional<Duration> age = entry.age(now);
            if (age.isPresent() && age.get().compareTo(olderThan) >= 0) {
                store.deleteRecursively(ArtifactLayout.stagingEntry(entry.name()));
                removed.add(entry);
            }
        }
        return removed;
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    @Override
    public String toString() {
        return "ArtifactRegistry[" + uri() + "]";
    }

    private boolean isCommitted(int version) throws IOException {
        return version > 0 && store.exists(ArtifactLayout.versionDir(version));
    }

    private void requireCommitted(int version) throws IOException {
        if (!isCommitted(version)) {
            throw new NoSuchVersionException(version, "registry " + uri() + " has no version " + version
                    + " (versions: " + describe(listVersions()) + ")");
        }
    }

    private static SortedMap<String, byte[]> checkFiles(Map<String, byte[]> files) {
        SortedMap<String, byte[]> checked = new TreeMap<>();
        for (var e : files.entrySet()) {
            String name = ArtifactLayout.requireVersionFileName(e.getKey());
            if (name.equals(ArtifactLayout.MANIFEST_FILE)) {
                throw new IllegalArgumentException(ArtifactLayout.MANIFEST_FILE + " is written by the registry, not passed in");
            }
            checked.put(name, e.getValue().clone());
        }
        byte[] weights = checked.get(ArtifactLayout.WEIGHTS_FILE);
        if (weights == null) {
            throw new IllegalArgumentException("a version needs " + ArtifactLayout.WEIGHTS_FILE + "; files given: " + checked.keySet());
        }
        // Decoding up front: a bundle this code cannot read must never become a version.
        TensorBundleCodec.decode(weights, ArtifactLayout.WEIGHTS_FILE + " (to publish)");
        return checked;
    }

    /** "1, 2, 3", "none", or for long histories the first and the last few. */
    static String describe(List<Integer> versions) {
        if (versions.isEmpty()) return "none";
        if (versions.size() <= 10) return versions.toString().replaceAll("[\\[\\]]", "");
        List<Integer> tail = versions.subList(versions.size() - 5, versions.size());
        return versions.get(0) + " ... " + tail.toString().replaceAll("[\\[\\]]", "") + " (" + versions.size() + " in all)";
    }
}
