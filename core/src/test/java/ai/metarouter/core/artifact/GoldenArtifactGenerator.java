package ai.metarouter.core.artifact;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the golden version directory of artifact format v1 ({@code src/test/resources/golden/artifact-v1/}).
 * Run ONCE when a format version is introduced, and commit the output; never regenerate v1's
 * files, because the point of a golden file is that today's readers still load yesterday's bytes.
 *
 * <pre>
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/test-classpath.txt) \
 *   ai.metarouter.core.artifact.GoldenArtifactGenerator core/src/test/resources/golden/artifact-v1
 * </pre>
 */
public final class GoldenArtifactGenerator {
    private GoldenArtifactGenerator() {}

    /** The golden weights: values chosen to exercise sign, zero, subnormals and extremes. */
    static TensorBundle weights() {
        return TensorBundle.builder()
                .putMatrix("encoder.w", new double[][] {{0.5, -1.25, 3.0}, {1e-3, -0.0, 123456.789}})
                .putVector("encoder.b", new double[] {0.1, 0.2, 0.3})
                .putScalar("policy.temperature", 0.75)
                .put("arm.embedding", new int[] {2, 1, 2}, new double[] {Double.MIN_VALUE, -Double.MAX_VALUE, Math.PI, -Math.E})
                .put("empty", new int[] {0}, new double[0])
                .putMetadata("model", "golden")
                .putMetadata("note", "artifact format v1 golden file ✓")
                .build();
    }

    /** Every file of the golden version directory, name -> bytes, manifest included. */
    static Map<String, byte[]> files() {
        byte[] weights = TensorBundleCodec.encode(weights());
        byte[] log = "{\"iterations\":[{\"iteration\":1,\"loss\":0.5},{\"iteration\":2,\"loss\":0.25}]}\n"
                .getBytes(StandardCharsets.UTF_8);
        List<Manifest.FileEntry> entries = new ArrayList<>();
        entries.add(new Manifest.FileEntry(ArtifactLayout.TRAINING_LOG_FILE, Checksums.sha256Hex(log), log.length));
        entries.add(new Manifest.FileEntry(ArtifactLayout.WEIGHTS_FILE, Checksums.sha256Hex(weights), weights.length));

        ObjectNode featureSpec = JsonNodeFactory.instance.objectNode();
        featureSpec.put("featurizer", "hashed-ngrams").put("dim", 3).putArray("ngrams").add(1).add(2);
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("optimizer", "adam").put("iterations", 2).put("seed", 42);
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("loss", 0.25);
        Manifest manifest = new Manifest(1, 1, Instant.parse("2024-05-08T03:00:00Z"), featureSpec,
                List.of(new Manifest.ModelEntry("gpt-4-1106-preview", 10.0, 30.0, 0.0123),
                        new Manifest.ModelEntry("mistral-7b-chat", 0.2, 0.2, 0.0001),
                        new Manifest.ModelEntry("in-house", null, null, 0.002)),
                new Manifest.TrainingData(LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 7), 3, 42),
                config, metrics, entries);

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(ArtifactLayout.WEIGHTS_FILE, weights);
        files.put(ArtifactLayout.TRAINING_LOG_FILE, log);
        files.put(ArtifactLayout.MANIFEST_FILE, ManifestCodec.toJson(manifest));
        return files;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GoldenArtifactGenerator <output dir>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (var file : files().entrySet()) {
            Path target = out.resolve(file.getKey());
            if (Files.exists(target)) {
                System.err.println("refusing to overwrite golden file " + target + " (golden files are written once)");
                System.exit(1);
            }
            Files.write(target, file.getValue());
            System.err.println("wrote " + target);
        }
    }
}
