package ai.metarouter.core.artifact;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one owner of every name in a registry. Writers and readers (Java here, the jobs' Hadoop
 * store, the Python reader of {@code data-schemas/artifact-format.md}) all go through these names,
 * so a rename happens in exactly one place.
 *
 * <pre>
 * &lt;registry&gt;/
 *   v&lt;N&gt;/manifest.json         committed version N (written last, lists every other file)
 *   v&lt;N&gt;/weights.mrt           the model's TensorBundle
 *   v&lt;N&gt;/training-log.json     optional, written by the train job
 *   LATEST                     the promoted version number, e.g. "3\n"
 *   _claims/v&lt;N&gt;.claim         exclusive claim of number N by one publisher (never removed)
 *   _staging/&lt;id&gt;/             a publish in progress (or abandoned by a killed publisher)
 *   _staging/LATEST.&lt;id&gt;.tmp    the next LATEST, before its atomic rename
 * </pre>
 *
 * <p>Staging ids are {@code <epoch-millis>-<uuid>}: the creation time in the name lets an
 * operator remove what killed publishers left behind by age, on any storage, without relying on
 * file modification times (which S3 does not keep for directories).
 *
 * <p>Only names matching {@code v<N>} (N a positive decimal without leading zeros) are versions.
 * Bookkeeping names start with {@code _} so that Hadoop tools and readers that skip
 * "hidden" paths skip them too.
 */
public final class ArtifactLayout {
    /** The manifest of a version; written last so that its presence means the files are complete. */
    public static final String MANIFEST_FILE = "manifest.json";
    /** The model's weights as a {@link TensorBundle}. Every version has one. */
    public static final String WEIGHTS_FILE = "weights.mrt";
    /** The train job's per-iteration log (JSON), stored next to the weights when present. */
    public static final String TRAINING_LOG_FILE = "training-log.json";
    /** The pointer to the promoted version, at the registry root. */
    public static final String LATEST_FILE = "LATEST";
    /** Directory of publishes in progress. */
    public static final String STAGING_DIR = "_staging";
    /** Directory of version-number claims. */
    public static final String CLAIMS_DIR = "_claims";
    /** The token {@code resolve} accepts for "whatever LATEST points at". */
    public static final String LATEST_REF = "latest";

    private static final String VERSION_PREFIX = "v";
    private static final String CLAIM_SUFFIX = ".claim";
    private static final Pattern VERSION_NAME = Pattern.compile("v([1-9][0-9]{0,9})");
    private static final Pattern CLAIM_NAME = Pattern.compile("v([1-9][0-9]{0,9})\\.claim");
    private static final Pattern LATEST_CONTENT = Pattern.compile("v?([1-9][0-9]{0,9})");
    /** Files inside a version directory: flat, portable names that cannot collide with bookkeeping. */
    private static final Pattern VERSION_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern STAGING_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    /** A staging id this code generates: creation time in epoch milliseconds, a dash, a random UUID. */
    private static final Pattern TIMED_STAGING_ID = Pattern.compile("([0-9]{1,15})-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
    private static final Pattern LATEST_TEMP_NAME = Pattern.compile(Pattern.quote(LATEST_FILE + ".") + "(.+)\\.tmp");

    private ArtifactLayout() {}

    /** {@code v<N>}, the directory of committed version {@code version}. */
    public static String versionDir(int version) {
        requirePositive(version);
        return VERSION_PREFIX + version;
    }

    /** {@code v<N>/<file>}, a file of committed version {@code version}. */
    public static String versionFile(int version, String file) {
        return versionDir(version) + "/" + requireVersionFileName(file);
    }

    /** The version number if {@code name} is a version directory name, else empty. */
    public static OptionalInt parseVersionDir(String name) {
        return parseNumber(VERSION_NAME.matcher(name));
    }

    /** {@code _claims/v<N>.claim}: created exclusively by the publisher that owns number N. */
    public static String claimFile(int version) {
        requirePositive(version);
        return CLAIMS_DIR + "/" + VERSION_PREFIX + version + CLAIM_SUFFIX;
    }

    /** The version number if {@code name} (a child of {@link #CLAIMS_DIR}) is a claim, else empty. */
    public static OptionalInt parseClaimFile(String name) {
        return parseNumber(CLAIM_NAME.matcher(name));
    }

    /** {@code _staging/<id>}: where one publish writes its files before they become a version. */
    public static String stagingDir(String stagingId) {
        return STAGING_DIR + "/" + requireStagingId(stagingId);
    }

    /** {@code _staging/<id>/<file>}. */
    public static String stagingFile(String stagingId, String file) {
        return stagingDir(stagingId) + "/" + requireVersionFileName(file);
    }

    /** {@code _staging/<name>}: one child of the staging directory as {@link ArtifactStore#list} names it. */
    public static String stagingEntry(String name) {
        if (name == null || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("not a staging entry name: '" + name + "'");
        }
        return ArtifactStore.checkRelativePath(STAGING_DIR + "/" + name);
    }

    /** A fresh staging id that records {@code createdAt}, for {@link #stagingDir} and {@link #latestTempFile}. */
    public static String newStagingId(Instant createdAt) {
        return createdAt.toEpochMilli() + "-" + UUID.randomUUID();
    }

    /**
     * When the staging entry {@code name} (a child of {@link #STAGING_DIR}: a staging directory
     * or a {@code LATEST.<id>.tmp} file) was created, if its id records it (ids from
     * {@link #newStagingId}); empty for any other name.
     */
    public static Optional<Instant> stagingCreatedAt(String name) {
        Matcher temp = LATEST_TEMP_NAME.matcher(name);
        String id = temp.matches() ? temp.group(1) : name;
        Matcher m = TIMED_STAGING_ID.matcher(id);
        return m.matches() ? Optional.of(Instant.ofEpochMilli(Long.parseLong(m.group(1)))) : Optional.empty();
    }

    /** {@code _staging/LATEST.<id>.tmp}: the new pointer before it atomically replaces LATEST. */
    public static String latestTempFile(String stagingId) {
        return STAGING_DIR + "/" + LATEST_FILE + "." + requireStagingId(stagingId) + ".tmp";
    }

    /** The bytes of a LATEST file pointing at {@code version}: the decimal number and a newline. */
    public static byte[] latestContent(int version) {
        requirePositive(version);
        return (version + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses a LATEST file. Accepts surrounding whitespace and an optional {@code v} prefix,
     * because operators sometimes write the pointer by hand.
     */
    public static int parseLatestContent(byte[] content, String source) {
        String text = new String(content, StandardCharsets.UTF_8).strip();
        OptionalInt parsed = parseNumber(LATEST_CONTENT.matcher(text));
        if (parsed.isEmpty()) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw new ArtifactFormatException(source + ": expected a version number like '3', found '" + shown + "'");
        }
        return parsed.getAsInt();
    }

    /** Whether {@code name} may be a file inside a version directory (flat, portable, not the manifest). */
    public static boolean isValidVersionFileName(String name) {
        return name != null && VERSION_FILE_NAME.matcher(name).matches();
    }

    /** Checks a file name for a version directory and returns it. */
    public static String requireVersionFileName(String name) {
        if (!isValidVersionFileName(name)) {
            throw new IllegalArgumentException("not a valid artifact file name: '" + name
                    + "' (letters, digits, '.', '_', '-'; at most 128 characters; no directories)");
        }
        return name;
    }

    private static String requireStagingId(String id) {
        if (id == null || !STAGING_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a valid staging id: '" + id + "'");
        }
        return id;
    }

    private static void requirePositive(int version) {
        if (version <= 0) throw new IllegalArgumentException("versions start at 1, got " + version);
    }

    private static OptionalInt parseNumber(Matcher m) {
        if (!m.matches()) return OptionalInt.empty();
        long n = Long.parseLong(m.group(1));
        return n > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) n);
    }
}
