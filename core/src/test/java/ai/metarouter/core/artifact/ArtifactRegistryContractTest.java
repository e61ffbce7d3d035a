package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry scenarios run against every {@link ArtifactStore} implementation, on a real temporary
 * directory. Damage is done to the files on disk directly, as an operator or a failing disk would.
 */
public abstract class ArtifactRegistryContractTest {
    protected static final Instant NOW = Instant.parse("2024-05-08T03:00:00Z");

    @TempDir
    protected Path tempDir;

    protected Path registryDir;
    private final List<ArtifactRegistry> opened = new ArrayList<>();

    /** Opens the implementation under test rooted at {@code root} (which may not exist yet). */
    protected abstract ArtifactStore openStore(Path root) throws IOException;

    @BeforeEach
    void chooseRegistryDir() {
        registryDir = tempDir.resolve("registry");
    }

    @AfterEach
    void closeRegistries() throws IOException {
        for (ArtifactRegistry r : opened) r.close();
    }

    protected ArtifactRegistry registry() throws IOException {
        return registry(openStore(registryDir));
    }

    protected ArtifactRegistry registry(ArtifactStore store) {
        ArtifactRegistry r = new ArtifactRegistry(store, Clock.fixed(NOW, ZoneOffset.UTC));
        opened.add(r);
        return r;
    }

    private int publishSample(ArtifactRegistry registry, long seed) throws IOException {
        return registry.publish(TestArtifacts.draft("seed-" + seed), TestArtifacts.bundle(seed),
                TestArtifacts.trainingLog("seed " + seed));
    }

    @Test
    void publishedVersionLoadsWithEverythingItWasGiven() throws IOException {
        ArtifactRegistry registry = registry();
        int version = publishSample(registry, 7);
        assertEquals(1, version);
        assertEquals(List.of(1), registry.listVersions());

        LoadedArtifact loaded = registry.load(1);
        assertEquals(1, loaded.version());
        assertEquals(TestArtifacts.bundle(7), loaded.weights());
        assertEquals(TestArtifacts.draft("seed-7"), loaded.manifest().draft());
        assertEquals(Manifest.FORMAT_VERSION, loaded.manifest().formatVersion());
        assertEquals(1, loaded.manifest().artifactVersion());
        assertEquals(NOW, loaded.manifest().createdAt());
        assertArrayEquals(TestArtifacts.trainingLog("seed 7").get(ArtifactLayout.TRAINING_LOG_FILE),
                loaded.file(ArtifactLayout.TRAINING_LOG_FILE));
        assertEquals(Set.of(ArtifactLayout.WEIGHTS_FILE, ArtifactLayout.TRAINING_LOG_FILE), loaded.fileNames());
        for (Manifest.FileEntry f : loaded.manifest().files()) {
            byte[] onDisk = Files.readAllBytes(registryDir.resolve("v1").resolve(f.path()));
            assertEquals(Checksums.sha256Hex(onDisk), f.sha256());
            assertEquals(onDisk.length, f.bytes());
        }
        assertTrue(Files.isRegularFile(registryDir.resolve("v1/manifest.json")));
        assertEquals(List.of(), children(registryDir.resolve(ArtifactLayout.STAGING_DIR)),
                "no staging leftovers after a successful publish");
    }

    @Test
    void versionsAreNumberedUpwardFromOne() throws IOException {
        ArtifactRegistry registry = registry();
        assertEquals(List.of(), registry.listVersions());
        assertEquals(1, publishSample(registry, 1));
        assertEquals(2, publishSample(registry, 2));
        assertEquals(3, publishSample(registry, 3));
        assertEquals(List.of(1, 2, 3), registry.listVersions());
        assertEquals(TestArtifacts.bundle(2), registry.load(2).weights());
    }

    @Test
    void publishFromAFilesMap() throws IOException {
        ArtifactRegistry registry = registry();
        Map<String, byte[]> files = new HashMap<>();
        files.put(ArtifactLayout.WEIGHTS_FILE, TensorBundleCodec.encode(TestArtifacts.bundle(3)));
        files.put("notes.txt", "hand-made".getBytes(StandardCharsets.UTF_8));
        int version = registry.publish(TestArtifacts.draft("map"), files);
        LoadedArtifact loaded = registry.load(version);
        assertEquals(TestArtifacts.bundle(3), loaded.weights());
        assertArrayEquals("hand-made".getBytes(StandardCharsets.UTF_8), loaded.file("notes.txt"));
        assertTrue(loaded.optionalFile(ArtifactLayout.TRAINING_LOG_FILE).isEmpty());
    }

    @Test
    void publishRefusesFilesThatCannotMakeAVersion() throws IOException {
        ArtifactRegistry registry = registry();
        ManifestDraft draft = TestArtifacts.draft("bad");
        assertThrows(IllegalArgumentException.class, () -> registry.publish(draft, Map.of("notes.txt", new byte[1])),
                "weights are required");
        assertThrows(IllegalArgumentException.class, () -> registry.publish(draft, Map.of(
                ArtifactLayout.WEIGHTS_FILE, TensorBundleCodec.encode(TestArtifacts.bundle(1)),
                ArtifactLayout.MANIFEST_FILE, new byte[1])), "the manifest is the registry's");
        assertThrows(IllegalArgumentException.class, () -> registry.publish(draft, Map.of(
                ArtifactLayout.WEIGHTS_FILE, TensorBundleCodec.encode(TestArtifacts.bundle(1)),
                "../escape", new byte[1])));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> registry.publish(draft,
                Map.of(ArtifactLayout.WEIGHTS_FILE, "not a bundle".getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("not a MetaRouter tensor bundle"), e.getMessage());
        assertEquals(List.of(), registry.listVersions());
        assertFalse(Files.exists(registryDir.resolve(ArtifactLayout.CLAIMS_DIR)), "no number was spent");
    }

    @Test
    void latestIsMissingUntilSomethingIsPromoted() throws IOException {
        ArtifactRegistry registry = registry();
        assertEquals(OptionalInt.empty(), registry.latestPointer());
        LatestMissingException e = assertThrows(LatestMissingException.class, registry::latestVersion);
        assertTrue(e.getMessage().contains("no LATEST"), e.getMessage());
        publishSample(registry, 1);
        e = assertThrows(LatestMissingException.class, registry::latest);
        assertTrue(e.getMessage().contains("versions: 1"), e.getMessage());
        assertThrows(LatestMissingException.class, () -> registry.resolve("latest"));
    }

    @Test
    void promoteMovesLatestAndResolveFollowsIt() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        publishSample(registry, 2);
        registry.promote(2);
        assertEquals(2, registry.latestVersion());
        assertEquals("2\n", Files.readString(registryDir.resolve(ArtifactLayout.LATEST_FILE)));
        assertEquals(2, registry.resolve("latest"));
        assertEquals(2, registry.resolve("LATEST"));
        assertEquals(1, registry.resolve("1"));
        assertEquals(1, registry.resolve("v1"));
        assertEquals(TestArtifacts.bundle(2), registry.latest().weights());
        assertEquals(TestArtifacts.bundle(1), registry.load("1").weights());
        assertThrows(IllegalArgumentException.class, () -> registry.resolve("two"));
        assertThrows(IllegalArgumentException.class, () -> registry.resolve("0"));
        assertThrows(IllegalArgumentException.class, () -> registry.resolve("-1"));
        assertEquals(List.of(), children(registryDir.resolve(ArtifactLayout.STAGING_DIR)), "no temporary pointer left");
    }

    @Test
    void rollbackPromotesTheNewestOlderVerifiedVersion() throws IOException {
        ArtifactRegistry registry = registry();
        for (int seed = 1; seed <= 3; seed++) publishSample(registry, seed);
        registry.promote(3);
        damage(registryDir.resolve("v2/weights.mrt"), 40);
        assertEquals(1, registry.rollback(), "v2 is damaged, so rollback skips to v1");
        assertEquals(1, registry.latestVersion());
        registry.promote(3);
        assertEquals(3, registry.latestVersion(), "promote works forwards as well as backwards");
        registry.promote(1);
        ArtifactException none = assertThrows(ArtifactException.class, registry::rollback);
        assertTrue(none.getMessage().contains("no verified version older than 1"), none.getMessage());
        assertEquals(1, registry.latestVersion());
    }

    @Test
    void unknownVersionsAreReportedWithWhatExists() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        registry.promote(1);
        NoSuchVersionException e = assertThrows(NoSuchVersionException.class, () -> registry.load(7));
        assertEquals(7, e.version());
        assertTrue(e.getMessage().contains("has no version 7 (versions: 1)"), e.getMessage());
        assertThrows(NoSuchVersionException.class, () -> registry.promote(7));
        assertThrows(NoSuchVersionException.class, () -> registry.resolve("7"));
        assertEquals(1, registry.latestVersion(), "a failed promote leaves LATEST alone");
    }

    @Test
    void latestPointingNowhereOrAtGarbageIsReported() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        Files.writeString(registryDir.resolve(ArtifactLayout.LATEST_FILE), "9\n");
        NoSuchVersionException e = assertThrows(NoSuchVersionException.class, registry::latest);
        assertTrue(e.getMessage().contains("points at version 9"), e.getMessage());
        Files.writeString(registryDir.resolve(ArtifactLayout.LATEST_FILE), " v1 \n");
        assertEquals(1, registry.latestVersion(), "hand-written pointers with a v and blanks are accepted");
        Files.writeString(registryDir.resolve(ArtifactLayout.LATEST_FILE), "banana");
        ArtifactFormatException f = assertThrows(ArtifactFormatException.class, registry::latestVersion);
        assertTrue(f.getMessage().contains("LATEST") && f.getMessage().contains("banana"), f.getMessage());
    }

    @Test
    void aFlippedByteInAVersionDirectoryNamesTheFile() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        publishSample(registry, 2);
        registry.promote(1);
        damage(registryDir.resolve("v2/weights.mrt"), 30);
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class, () -> registry.load(2));
        assertEquals("v2/weights.mrt", e.file());
        assertTrue(e.getMessage().contains("v2/weights.mrt") && e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertThrows(ChecksumMismatchException.class, () -> registry.promote(2));
        assertEquals(1, registry.latestVersion(), "a damaged version is never promoted");

        damage(registryDir.resolve("v1/training-log.json"), 2);
        ChecksumMismatchException log = assertThrows(ChecksumMismatchException.class, () -> registry.load(1));
        assertEquals("v1/training-log.json", log.file());
    }

    @Test
    void aFileOfTheWrongSizeOrMissingIsReported() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        publishSample(registry, 2);
        Files.write(registryDir.resolve("v1/weights.mrt"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        ChecksumMismatchException size = assertThrows(ChecksumMismatchException.class, () -> registry.load(1));
        assertTrue(size.getMessage().contains("size mismatch"), size.getMessage());
        Files.delete(registryDir.resolve("v2/training-log.json"));
        ArtifactFormatException missing = assertThrows(ArtifactFormatException.class, () -> registry.load(2));
        assertTrue(missing.getMessage().contains("v2/training-log.json is listed in the manifest but missing"),
                missing.getMessage());
    }

    @Test
    void anUnknownManifestFormatIsRefused() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        Path manifest = registryDir.resolve("v1/manifest.json");
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
        json.put("format_version", 99);
        Files.writeString(manifest, json.toString());
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> registry.load(1));
        assertTrue(e.getMessage().contains("v1/manifest.json") && e.getMessage().contains("format_version 99 is not supported"),
                e.getMessage());
        assertThrows(ArtifactFormatException.class, () -> registry.promote(1));
    }

    @Test
    void anUnknownWeightsFormatIsRefusedEvenWithAMatchingChecksum() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        Path weights = registryDir.resolve("v1/weights.mrt");
        byte[] bytes = Files.readAllBytes(weights);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2); // format version field
        Files.write(weights, bytes);
        rewriteManifestDigest(registryDir.resolve("v1"), ArtifactLayout.WEIGHTS_FILE, bytes);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> registry.load(1));
        assertFalse(e instanceof ChecksumMismatchException);
        assertTrue(e.getMessage().contains("v1/weights.mrt") && e.getMessage().contains("format version 2 is not supported"),
                e.getMessage());
    }

    @Test
    void aVersionDirectoryCopiedUnderAnotherNumberIsRefused() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        copyTree(registryDir.resolve("v1"), registryDir.resolve("v5"));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> registry.load(5));
        assertTrue(e.getMessage().contains("says artifact_version 1"), e.getMessage());
        assertEquals(6, publishSample(registry, 2), "numbering continues after the highest directory");
    }

    @Test
    void aDirectoryWithoutManifestIsNotAVersion() throws IOException {
        ArtifactRegistry registry = registry();
        publishSample(registry, 1);
        Files.createDirectories(registryDir.resolve("v2"));
        Files.write(registryDir.resolve("v2/weights.mrt"), TensorBundleCodec.encode(TestArtifacts.bundle(2)));
        Files.createDirectories(registryDir.resolve("v03"));
        assertEquals(List.of(1), registry.listVersions());
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> registry.load(2));
        assertTrue(e.getMessage().contains("has no manifest.json"), e.getMessage());
        assertThrows(ArtifactFormatException.class, () -> registry.promote(2));
    }

    @Test
    void concurrentPublishersGetDistinctCompleteVersionsAndReadersNeverSeeAPartialOne() throws Exception {
        int publishers = 4;
        int perPublisher = 4;
        ExecutorService pool = Executors.newFixedThreadPool(publishers + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean publishing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Integer> versions = new ConcurrentLinkedQueue<>();
        Map<Integer, Long> seedOf = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                ArtifactRegistry own = registry(); // one registry and store per publisher, as separate processes would
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perPublisher; i++) {
                        long seed = 100L * publisher + i;
                        int v = publishSample(own, seed);
                        versions.add(v);
                        seedOf.put(v, seed);
                    }
                    return null;
                }));
            }
            ArtifactRegistry readerRegistry = registry();
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int loads = 0;
                while (publishing.get()) {
                    for (int v : readerRegistry.listVersions()) {
                        readerRegistry.load(v); // throws if a listed version is not complete
                        loads++;
                    }
                }
                return loads;
            });
            start.countDown();
            for (Future<?> f : work) f.get(120, TimeUnit.SECONDS);
            publishing.set(false);
            reader.get(120, TimeUnit.SECONDS);
        } finally {
            publishing.set(false);
            pool.shutdownNow();
        }
        int total = publishers * perPublisher;
        assertEquals(total, new HashSet<>(versions).size(), "no number handed out twice: " + versions);
        ArtifactRegistry check = registry();
        List<Integer> listed = check.listVersions();
        assertEquals(total, listed.size());
        for (int v : listed) {
            assertEquals(TestArtifacts.bundle(seedOf.get(v)), check.load(v).weights(), "v" + v + " holds its publisher's weights");
        }
        assertEquals(List.of(), children(registryDir.resolve(ArtifactLayout.STAGING_DIR)));
    }

    /** Where a publisher can die, and whether it had claimed a number by then. */
    private record FailurePoint(String name, Predicate<String> path, boolean numberSpent) {}

    private static List<FailurePoint> failurePoints() {
        return List.of(
                new FailurePoint("writing the weights into staging",
                        p -> p.startsWith(ArtifactLayout.STAGING_DIR + "/") && p.endsWith("/" + ArtifactLayout.WEIGHTS_FILE), false),
                new FailurePoint("claiming a number",
                        p -> p.startsWith(ArtifactLayout.CLAIMS_DIR + "/"), false),
                new FailurePoint("writing the manifest",
                        p -> p.startsWith(ArtifactLayout.STAGING_DIR + "/") && p.endsWith("/" + ArtifactLayout.MANIFEST_FILE), true),
                new FailurePoint("renaming staging to v<N>",
                        p -> ArtifactLayout.parseVersionDir(p).isPresent(), true));
    }

    @Test
    void aPublishThatFailsHalfWayLeavesNoVersionAndLatestUnchanged() throws IOException {
        for (boolean killed : List.of(false, true)) {
            for (FailurePoint point : failurePoints()) {
                Path dir = tempDir.resolve("fail-" + killed + "-" + point.name().replace(' ', '-').replace('<', '_').replace('>', '_'));
                ArtifactRegistry good = registry(openStore(dir));
                publishSample(good, 1);
                good.promote(1);

                FaultInjectingStore faulty = new FaultInjectingStore(openStore(dir), point.path(), killed);
                ArtifactRegistry dying = registry(faulty);
                String where = point.name() + (killed ? " (killed, no cleanup)" : "");
                assertThrows(IOException.class, () -> publishSample(dying, 2), where);
                assertTrue(faulty.fired(), where);

                assertEquals(List.of(1), good.listVersions(), where);
                assertEquals(1, good.latestVersion(), where);
                assertEquals(TestArtifacts.bundle(1), good.latest().weights(), where);
                List<String> leftovers = children(dir.resolve(ArtifactLayout.STAGING_DIR));
                assertEquals(killed, !leftovers.isEmpty(), where + ": staging leftovers " + leftovers);

                int next = publishSample(good, 3);
                assertEquals(point.numberSpent() ? 3 : 2, next, where + ": a spent claim is skipped, nothing else");
                assertEquals(TestArtifacts.bundle(3), good.load(next).weights(), where);
                assertEquals(1, good.latestVersion(), where + ": publishing never moves LATEST");
            }
        }
    }

    @Test
    void importVersionCopiesANumberedVersionExactlyOnce() throws IOException {
        ArtifactRegistry source = registry();
        publishSample(source, 1);
        publishSample(source, 2);
        ArtifactRegistry target = registry(openStore(tempDir.resolve("serving")));

        LoadedArtifact v2 = source.load(2);
        assertEquals(2, target.importVersion(v2));
        LoadedArtifact copy = target.load(2);
        assertEquals(v2.manifest(), copy.manifest(), "same manifest, including created_at and checksums");
        assertEquals(v2.weights(), copy.weights());
        assertEquals(List.of(2), target.listVersions());
        ArtifactException taken = assertThrows(ArtifactException.class, () -> target.importVersion(v2));
        assertTrue(taken.getMessage().contains("already exists"), taken.getMessage());
        assertEquals(3, publishSample(target, 9), "fresh publishes continue above imported numbers");
        target.promote(2);
        assertEquals(2, target.latestVersion());
    }

    @Test
    void anImportKilledAfterClaimingItsNumberCanBeRetried() throws IOException {
        ArtifactRegistry source = registry();
        publishSample(source, 1);
        LoadedArtifact v1 = source.load(1);
        Path servingDir = tempDir.resolve("serving");
        ArtifactRegistry serving = registry(openStore(servingDir));
        for (FailurePoint point : failurePoints()) {
            FaultInjectingStore dying = new FaultInjectingStore(openStore(servingDir), point.path(), true);
            assertThrows(IOException.class, () -> registry(dying).importVersion(v1), point.name());
            assertEquals(List.of(), serving.listVersions(), point.name() + ": nothing visible");
        }
        assertTrue(Files.exists(servingDir.resolve(ArtifactLayout.claimFile(1))), "a killed import left its claim");
        assertEquals(1, serving.importVersion(v1), "the dead import's claim does not block the retry");
        assertEquals(v1.manifest(), serving.load(1).manifest());
        assertEquals(2, publishSample(serving, 5), "fresh publishes still skip the imported number");
    }

    @Test
    void staleStagingIsRemovedByAgeAndNothingElseIs() throws IOException {
        ArtifactRegistry good = registry();
        publishSample(good, 1);
        good.promote(1);
        // Two publishers killed at different points (no cleanup), one entry not made by this code.
        for (FailurePoint point : List.of(failurePoints().get(0), failurePoints().get(3))) {
            ArtifactRegistry dying = registry(new FaultInjectingStore(openStore(registryDir), point.path(), true));
            assertThrows(IOException.class, () -> publishSample(dying, 2), point.name());
        }
        Files.createDirectories(registryDir.resolve(ArtifactLayout.STAGING_DIR).resolve("copied-by-hand"));
        List<ArtifactRegistry.StagingEntry> staged = good.staging();
        assertEquals(3, staged.size(), staged.toString());
        assertEquals(2, staged.stream().filter(e -> e.createdAt().equals(java.util.Optional.of(NOW))).count(), staged.toString());

        assertEquals(List.of(), good.removeStaleStaging(java.time.Duration.ofHours(1)), "nothing is an hour old yet");
        ArtifactRegistry later = registry(openStore(registryDir));
        ArtifactRegistry inTwoHours = new ArtifactRegistry(openStore(registryDir),
                Clock.fixed(NOW.plus(java.time.Duration.ofHours(2)), ZoneOffset.UTC));
        opened.add(inTwoHours);
        List<ArtifactRegistry.StagingEntry> removed = inTwoHours.removeStaleStaging(java.time.Duration.ofHours(1));
        assertEquals(2, removed.size(), removed.toString());
        assertEquals(List.of("copied-by-hand"), children(registryDir.resolve(ArtifactLayout.STAGING_DIR)),
                "entries of unknown age are kept");
        assertEquals(List.of(1), later.listVersions());
        assertEquals(1, later.latestVersion());
        assertEquals(TestArtifacts.bundle(1), later.latest().weights());
        assertEquals(3, publishSample(later, 3), "the killed publisher's claim on 2 stays spent");
    }

    // ---- helpers working on the real files, as an operator or a failing disk would ----

    protected static void damage(Path file, int offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset % bytes.length] ^= 0x01;
        Files.write(file, bytes);
    }

    private static void rewriteManifestDigest(Path versionDir, String file, byte[] newBytes) throws IOException {
        Path manifest = versionDir.resolve(ArtifactLayout.MANIFEST_FILE);
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
        for (var entry : json.withArray("files")) {
            if (entry.get("path").asText().equals(file)) {
                ((ObjectNode) entry).put("sha256", Checksums.sha256Hex(newBytes)).put("bytes", newBytes.length);
            }
        }
        Files.writeString(manifest, json.toString());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    protected static List<String> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
