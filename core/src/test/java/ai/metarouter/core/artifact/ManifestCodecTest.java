package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
    private static final String SOURCE = "file:/r/v4/manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Manifest sample() {
        byte[] weights = TensorBundleCodec.encode(TestArtifacts.bundle(1));
        return Manifest.of(TestArtifacts.draft("codec"), 4, Instant.parse("2024-05-08T03:00:00.123Z"),
                List.of(new Manifest.FileEntry(ArtifactLayout.WEIGHTS_FILE, Checksums.sha256Hex(weights), weights.length)));
    }

    private static ObjectNode sampleJson() throws Exception {
        return (ObjectNode) JSON.readTree(ManifestCodec.toJson(sample()));
    }

    private static ArtifactFormatException rejected(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode json = sampleJson();
        edit.accept(json);
        byte[] bytes = JSON.writeValueAsBytes(json);
        return assertThrows(ArtifactFormatException.class, () -> ManifestCodec.fromJson(bytes, SOURCE));
    }

    @Test
    void roundTripsAndIsDeterministic() {
        Manifest m = sample();
        byte[] json = ManifestCodec.toJson(m);
        Manifest back = ManifestCodec.fromJson(json, SOURCE);
        assertEquals(m, back);
        assertArrayEquals(json, ManifestCodec.toJson(back));
        assertNull(back.catalog().get(2).inputPrice(), "unknown prices stay null");
        assertEquals(0.15, back.catalog().get(0).inputPrice());
    }

    @Test
    void usesTheDocumentedSnakeCaseKeysInOrder() throws Exception {
        JsonNode json = sampleJson();
        assertEquals(List.of("format_version", "artifact_version", "created_at", "feature_spec", "catalog",
                "training_data", "training_config", "metrics", "files"), fieldNames(json));
        assertEquals(List.of("id", "input_price", "output_price", "mean_cost_usd"), fieldNames(json.get("catalog").get(0)));
        assertEquals(List.of("from", "to", "users", "events"), fieldNames(json.get("training_data")));
        assertEquals(List.of("path", "sha256", "bytes"), fieldNames(json.get("files").get(0)));
        assertEquals("2024-05-08T03:00:00.123Z", json.get("created_at").asText());
        assertEquals("2024-05-01", json.get("training_data").get("from").asText());
        assertTrue(json.get("catalog").get(2).get("input_price").isNull());
        String text = new String(ManifestCodec.toJson(sample()), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}\n") && !text.contains("\r"), "LF line ends and a final newline");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void unknownFormatVersionIsRejectedNamingIt() throws Exception {
        ArtifactFormatException e = rejected(j -> j.put("format_version", 2).remove("catalog"));
        assertEquals(SOURCE + ": manifest format_version 2 is not supported by this reader (supports [1]); upgrade MetaRouter",
                e.getMessage(), "the version is checked before the other keys");
    }

    @Test
    void missingAndMistypedKeysAreNamedByPath() throws Exception {
        assertEquals(SOURCE + ": key 'files' is missing", rejected(j -> j.remove("files")).getMessage());
        assertEquals(SOURCE + ": key 'format_version' must be an integer, found string",
                rejected(j -> j.put("format_version", "1")).getMessage());
        assertEquals(SOURCE + ": key 'catalog[1].mean_cost_usd' is missing",
                rejected(j -> ((ObjectNode) j.get("catalog").get(1)).remove("mean_cost_usd")).getMessage());
        assertEquals(SOURCE + ": key 'catalog[0].input_price' must be a number or null, found string",
                rejected(j -> ((ObjectNode) j.get("catalog").get(0)).put("input_price", "cheap")).getMessage());
        assertEquals(SOURCE + ": key 'training_data.users' must be an integer, found number",
                rejected(j -> ((ObjectNode) j.get("training_data")).put("users", 1.5)).getMessage());
        assertTrue(rejected(j -> ((ObjectNode) j.get("training_data")).put("from", "May 1st")).getMessage()
                .contains("key 'training_data.from' must be a date like 2024-05-01, found 'May 1st'"));
        assertTrue(rejected(j -> j.put("created_at", "yesterday")).getMessage().contains("ISO-8601"));
        assertEquals(SOURCE + ": key 'metrics' must be a JSON object, found array",
                rejected(j -> j.putArray("metrics")).getMessage());
        assertTrue(rejected(j -> ((ObjectNode) j.get("files").get(0)).put("sha256", "ABC")).getMessage()
                .contains("sha256 must be 64 lowercase hex digits"));
        assertTrue(rejected(j -> ((ObjectNode) j.get("files").get(0)).put("path", "../x")).getMessage()
                .contains("not a valid artifact file name"));
        assertTrue(rejected(j -> ((ArrayNode) j.get("catalog")).add(j.get("catalog").get(0).deepCopy())).getMessage()
                .contains("duplicate catalog model id 'cheap-model'"));
        assertTrue(rejected(j -> ((ObjectNode) j.get("training_data")).put("to", "2024-04-01")).getMessage()
                .contains("before from"));
    }

    @Test
    void brokenJsonIsRejected() {
        for (String bad : List.of("", "[]", "{\"format_version\": 1,", "{\"format_version\":1,\"format_version\":1}", "{} {}")) {
            assertThrows(ArtifactFormatException.class,
                    () -> ManifestCodec.fromJson(bad.getBytes(StandardCharsets.UTF_8), SOURCE), bad);
        }
    }

    @Test
    void unknownKeysAreIgnoredWithinAFormatVersion() throws Exception {
        ObjectNode json = sampleJson();
        json.put("added_later", true);
        assertEquals(sample(), ManifestCodec.fromJson(JSON.writeValueAsBytes(json), SOURCE));
    }

    @Test
    void freeFormObjectsCannotBeChangedFromOutside() {
        Manifest m = sample();
        m.featureSpec().put("dim", 1);
        m.metrics().removeAll();
        assertEquals(64, m.featureSpec().get("dim").asInt());
        assertEquals(0.25, m.metrics().get("loss").asDouble());
    }
}
