package ai.metarouter.core.artifact;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a version directory says about itself ({@code manifest.json}): format version, artifact
 * version, creation time, the feature spec and model catalog the weights were trained for, the
 * training data and configuration, metrics, and the SHA-256 and size of every other file.
 *
 * <p>The free-form parts (feature spec, training config, metrics) are JSON objects owned by the
 * code that writes them; they are deep-copied in and out so a manifest stays immutable. JSON form:
 * {@link ManifestCodec}; schema: {@code data-schemas/manifest.schema.json}.
 */
public record Manifest(
        int formatVersion,
        int artifactVersion,
        Instant createdAt,
        ObjectNode featureSpec,
        List<ModelEntry> catalog,
        TrainingData trainingData,
        ObjectNode trainingConfig,
        ObjectNode metrics,
        List<FileEntry> files) {

    /** The manifest format version this code writes. */
    public static final int FORMAT_VERSION = 1;
    /** Manifest format versions this code reads. */
    public static final Set<Integer> SUPPORTED_FORMAT_VERSIONS = Set.of(1);

    public Manifest {
        if (!SUPPORTED_FORMAT_VERSIONS.contains(formatVersion)) {
            throw new ArtifactFormatException("manifest format_version " + formatVersion
                    + " is not supported (supports " + SUPPORTED_FORMAT_VERSIONS + ")");
        }
        if (artifactVersion <= 0) throw new IllegalArgumentException("artifact_version must be positive, got " + artifactVersion);
        Objects.requireNonNull(createdAt, "created_at");
        featureSpec = Objects.requireNonNull(featureSpec, "feature_spec").deepCopy();
        catalog = List.copyOf(catalog);
        Objects.requireNonNull(trainingData, "training_data");
        trainingConfig = Objects.requireNonNull(trainingConfig, "training_config").deepCopy();
        metrics = Objects.requireNonNull(metrics, "metrics").deepCopy();
        files = List.copyOf(files);
        requireUnique(catalog.stream().map(ModelEntry::id).toList(), "catalog model id");
        requireUnique(files.stream().map(FileEntry::path).toList(), "file path");
    }

    /** Assembles the manifest of a version from what the publisher supplied and what it computed. */
    public static Manifest of(ManifestDraft draft, int artifactVersion, Instant createdAt, List<FileEntry> files) {
        return new Manifest(FORMAT_VERSION, artifactVersion, createdAt, draft.featureSpec(), draft.catalog(),
                draft.trainingData(), draft.trainingConfig(), draft.metrics(), files);
    }

    /** The publisher-supplied part, e.g. to publish a copy elsewhere or to warm-start from. */
    public ManifestDraft draft() {
        return new ManifestDraft(featureSpec, catalog, trainingData, trainingConfig, metrics);
    }

    /** The entry for one file of the version, if listed. */
    public Optional<FileEntry> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    @Override
    public ObjectNode featureSpec() {
        return featureSpec.deepCopy();
    }

    @Override
    public ObjectNode trainingConfig() {
        return trainingConfig.deepCopy();
    }

    @Override
    public ObjectNode metrics() {
        return metrics.deepCopy();
    }

    private static void requireUnique(List<String> values, String what) {
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) throw new IllegalArgumentException("duplicate " + what + " '" + v + "'");
        }
    }

    /**
     * One model of the catalog the artifact was trained for. Prices are USD per million tokens and
     * null where the catalog does not know them (the contract's {@code models.json} convention).
     */
    public record ModelEntry(String id, Double inputPrice, Double outputPrice, double meanCostUsd) {
        public ModelEntry {
            if (id == null || id.isBlank()) throw new IllegalArgumentException("catalog model id is empty");
            requirePrice(id, "input_price", inputPrice);
            requirePrice(id, "output_price", outputPrice);
            if (!Double.isFinite(meanCostUsd) || meanCostUsd < 0) {
                throw new IllegalArgumentException("model '" + id + "': mean_cost_usd must be finite and >= 0, got " + meanCostUsd);
            }
        }

        private static void requirePrice(String id, String what, Double price) {
            if (price != null && (!Double.isFinite(price) || price < 0)) {
                throw new IllegalArgumentException("model '" + id + "': " + what + " must be null or finite and >= 0, got " + price);
            }
        }
    }

    /** The interaction-log slice the artifact was trained on: UTC dates, inclusive. */
    public record TrainingData(LocalDate from, LocalDate to, long users, long events) {
        public TrainingData {
            Objects.requireNonNull(from, "training_data.from");
            Objects.requireNonNull(to, "training_data.to");
            if (to.isBefore(from)) throw new IllegalArgumentException("training_data.to " + to + " is before from " + from);
            if (users < 0 || events < 0) {
                throw new IllegalArgumentException("training_data users and events must be >= 0, got " + users + " and " + events);
            }
        }
    }

    /** One file of the version directory: its name, lowercase hex SHA-256 and size in bytes. */
    public record FileEntry(String path, String sha256, long bytes) {
        public FileEntry {
            ArtifactLayout.requireVersionFileName(path);
            if (path.equals(ArtifactLayout.MANIFEST_FILE)) {
                throw new IllegalArgumentException("the manifest does not list itself");
            }
            if (!Checksums.isSha256Hex(sha256)) {
                throw new IllegalArgumentException("file '" + path + "': sha256 must be 64 lowercase hex digits, got '" + sha256 + "'");
            }
            if (bytes < 0) throw new IllegalArgumentException("file '" + path + "': bytes must be >= 0, got " + bytes);
        }
    }
}
