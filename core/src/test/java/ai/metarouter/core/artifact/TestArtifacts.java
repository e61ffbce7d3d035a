package ai.metarouter.core.artifact;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small, seeded artifacts for registry and codec tests (shared with the jobs module's store tests). */
public final class TestArtifacts {
    private TestArtifacts() {}

    /** A bundle with a matrix, a vector, a scalar, an empty tensor and metadata; values depend on {@code seed}. */
    public static TensorBundle bundle(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] w = new double[3][4];
        for (double[] row : w) for (int j = 0; j < row.length; j++) row[j] = random.nextDouble(-1, 1);
        double[] b = random.doubles(4, -1, 1).toArray();
        return TensorBundle.builder()
                .putMatrix("encoder.w", w)
                .putVector("encoder.b", b)
                .putScalar("policy.temperature", 0.5 + random.nextDouble())
                .put("empty", new int[] {0, 3}, new double[0])
                .putMetadata("model", "test")
                .putMetadata("seed", Long.toString(seed))
                .build();
    }

    public static ManifestDraft draft(String tag) {
        ObjectNode featureSpec = JsonNodeFactory.instance.objectNode();
        featureSpec.put("kind", "hashed-ngrams").put("dim", 64).put("tag", tag);
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("optimizer", "adam").put("iterations", 3);
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("loss", 0.25);
        return new ManifestDraft(featureSpec,
                List.of(new Manifest.ModelEntry("cheap-model", 0.15, 0.6, 0.0004),
                        new Manifest.ModelEntry("strong-model", 10.0, 30.0, 0.02),
                        new Manifest.ModelEntry("unpriced-model", null, null, 0.001)),
                new Manifest.TrainingData(LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 7), 120, 3400),
                config, metrics);
    }

    public static Map<String, byte[]> trainingLog(String text) {
        return Map.of(ArtifactLayout.TRAINING_LOG_FILE, ("{\"log\":\"" + text + "\"}\n").getBytes(StandardCharsets.UTF_8));
    }
}
