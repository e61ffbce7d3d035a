package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed v1 golden version directory must load, with exactly these values, forever. The
 * expected values are written out here on purpose (not taken from the generator): if this test
 * fails, a reader change broke compatibility with artifacts already in registries.
 */
class GoldenArtifactTest {
    private static final String GOLDEN = "/golden/artifact-v1/";

    static byte[] golden(String file) throws IOException {
        try (InputStream in = GoldenArtifactTest.class.getResourceAsStream(GOLDEN + file)) {
            assertNotNull(in, "golden file " + GOLDEN + file + " is on the test class path");
            return in.readAllBytes();
        }
    }

    private static void assertBits(double expected, double actual) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> "expected " + expected + " bit for bit, got " + actual);
    }

    @Test
    void goldenWeightsDecodeToExactlyTheseValues() throws IOException {
        TensorBundle b = TensorBundleCodec.decode(golden("weights.mrt"), "golden/weights.mrt");
        assertEquals(List.of("encoder.w", "encoder.b", "policy.temperature", "arm.embedding", "empty"), b.names());
        double[][] w = b.getMatrix("encoder.w", 2, 3);
        double[] expectedW = {0.5, -1.25, 3.0, 1e-3, -0.0, 123456.789};
        for (int i = 0; i < 6; i++) assertBits(expectedW[i], w[i / 3][i % 3]);
        double[] bias = b.getVector("encoder.b", 3);
        assertBits(0.1, bias[0]);
        assertBits(0.2, bias[1]);
        assertBits(0.3, bias[2]);
        assertBits(0.75, b.getScalar("policy.temperature"));
        Tensor arm = b.requireShape("arm.embedding", 2, 1, 2);
        assertBits(Double.MIN_VALUE, arm.at(0));
        assertBits(-Double.MAX_VALUE, arm.at(1));
        assertBits(3.141592653589793, arm.at(2));
        assertBits(-2.718281828459045, arm.at(3));
        assertEquals(0, b.requireShape("empty", 0).size());
        assertEquals("golden", b.metadata("model").orElseThrow());
        assertEquals("artifact format v1 golden file ✓", b.metadata("note").orElseThrow());
    }

    @Test
    void goldenManifestParsesToExactlyTheseValues() throws IOException {
        Manifest m = ManifestCodec.fromJson(golden("manifest.json"), "golden/manifest.json");
        assertEquals(1, m.formatVersion());
        assertEquals(1, m.artifactVersion());
        assertEquals(Instant.parse("2024-05-08T03:00:00Z"), m.createdAt());
        assertEquals("hashed-ngrams", m.featureSpec().get("featurizer").asText());
        assertEquals(3, m.catalog().size());
        assertEquals(new Manifest.ModelEntry("gpt-4-1106-preview", 10.0, 30.0, 0.0123), m.catalog().get(0));
        assertEquals("in-house", m.catalog().get(2).id());
        assertNull(m.catalog().get(2).inputPrice());
        assertEquals(new Manifest.TrainingData(LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 7), 3, 42), m.trainingData());
        assertEquals("adam", m.trainingConfig().get("optimizer").asText());
        assertEquals(0.25, m.metrics().get("loss").asDouble());
        for (String file : List.of("weights.mrt", "training-log.json")) {
            byte[] bytes = golden(file);
            Manifest.FileEntry entry = m.file(file).orElseThrow();
            assertEquals(Checksums.sha256Hex(bytes), entry.sha256(), file);
            assertEquals(bytes.length, entry.bytes(), file);
        }
    }

    @Test
    void goldenVersionLoadsThroughARegistryAndCanBePromoted(@TempDir Path registryDir) throws IOException {
        Path v1 = Files.createDirectories(registryDir.resolve("v1"));
        for (String file : List.of("manifest.json", "weights.mrt", "training-log.json")) {
            Files.write(v1.resolve(file), golden(file));
        }
        try (ArtifactRegistry registry = ArtifactRegistry.open(registryDir.toString())) {
            assertEquals(List.of(1), registry.listVersions());
            registry.promote(1);
            LoadedArtifact loaded = registry.latest();
            assertEquals(1, loaded.version());
            assertEquals(TensorBundleCodec.decode(golden("weights.mrt"), "golden"), loaded.weights());
        }
    }

    @Test
    void todaysWriterStillProducesTheGoldenBytesWhileItWritesV1() throws IOException {
        assumeTrue(TensorBundleCodec.FORMAT_VERSION == 1, "the writer has moved to a newer bundle format");
        var generated = GoldenArtifactGenerator.files();
        assertArrayEquals(golden("weights.mrt"), generated.get("weights.mrt"), "bundle encoding drifted within v1");
        assumeTrue(Manifest.FORMAT_VERSION == 1, "the writer has moved to a newer manifest format");
        assertEquals(ManifestCodec.fromJson(golden("manifest.json"), "golden"),
                ManifestCodec.fromJson(generated.get("manifest.json"), "generated"));
    }
}
