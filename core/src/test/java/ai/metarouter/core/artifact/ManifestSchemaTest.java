package ai.metarouter.core.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests the registry writes conform to {@code data-schemas/manifest.schema.json}. The check
 * interprets the schema file itself (the subset of JSON Schema it uses: type, required,
 * properties, items, const, minimum, minLength, minItems, pattern), so the document and the code
 * cannot drift apart silently.
 */
class ManifestSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path repoRoot() {
        String root = System.getProperty("metarouter.repo.root");
        return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    }

    private static JsonNode schema() throws IOException {
        return JSON.readTree(repoRoot().resolve("data-schemas/manifest.schema.json").toFile());
    }

    @Test
    void aManifestWrittenByTheRegistryValidates(@TempDir Path dir) throws IOException {
        try (ArtifactRegistry registry = ArtifactRegistry.open(dir.toString())) {
            registry.publish(TestArtifacts.draft("schema"), TestArtifacts.bundle(5), TestArtifacts.trainingLog("x"));
        }
        JsonNode manifest = JSON.readTree(dir.resolve("v1/manifest.json").toFile());
        assertEquals(List.of(), validate(schema(), manifest, "$"));
    }

    @Test
    void theGoldenManifestValidates() throws IOException {
        assertEquals(List.of(), validate(schema(), JSON.readTree(GoldenArtifactTest.golden("manifest.json")), "$"));
    }

    @Test
    void theSchemaRequiresExactlyTheKeysTheCodecWrites() throws IOException {
        JsonNode written = JSON.readTree(ManifestCodec.toJson(ManifestCodecTest.sample()));
        List<String> writtenKeys = new ArrayList<>();
        written.fieldNames().forEachRemaining(writtenKeys::add);
        List<String> required = new ArrayList<>();
        schema().get("required").forEach(k -> required.add(k.asText()));
        assertEquals(writtenKeys, required);
    }

    @Test
    void theCheckRejectsManifestsThatBreakTheSchema() throws IOException {
        JsonNode schema = schema();
        Map<String, Consumer<ObjectNode>> breakages = Map.of(
                "$: missing required key 'files'", m -> m.remove("files"),
                "$.format_version: expected const 1", m -> m.put("format_version", 2),
                "$.catalog[0].input_price: expected type [number, null]", m -> ((ObjectNode) m.get("catalog").get(0)).put("input_price", "x"),
                "$.files[0].sha256: does not match", m -> ((ObjectNode) m.get("files").get(0)).put("sha256", "ABC"),
                "$.training_data.users: below minimum 0", m -> ((ObjectNode) m.get("training_data")).put("users", -1),
                "$.created_at: does not match", m -> m.put("created_at", "2024-05-08 03:00"));
        for (var breakage : breakages.entrySet()) {
            ObjectNode manifest = (ObjectNode) JSON.readTree(ManifestCodec.toJson(ManifestCodecTest.sample()));
            breakage.getValue().accept(manifest);
            List<String> problems = validate(schema, manifest, "$");
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(breakage.getKey())),
                    breakage.getKey() + " expected among " + problems);
        }
    }

    /** The JSON Schema subset the manifest schema uses. Returns one line per violation. */
    static List<String> validate(JsonNode schema, JsonNode value, String at) {
        List<String> problems = new ArrayList<>();
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            problems.add(at + ": expected type " + typeNames(schema.get("type")) + ", found " + value.getNodeType());
            return problems;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            problems.add(at + ": expected const " + schema.get("const") + ", found " + value);
        }
        if (schema.has("minimum") && value.isNumber() && value.doubleValue() < schema.get("minimum").doubleValue()) {
            problems.add(at + ": below minimum " + schema.get("minimum"));
        }
        if (value.isTextual()) {
            if (schema.has("minLength") && value.textValue().length() < schema.get("minLength").intValue()) {
                problems.add(at + ": shorter than " + schema.get("minLength"));
            }
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").textValue()).matcher(value.textValue()).find()) {
                problems.add(at + ": does not match " + schema.get("pattern").textValue());
            }
        }
        if (value.isObject()) {
            for (JsonNode key : schema.path("required")) {
                if (!value.has(key.asText())) problems.add(at + ": missing required key '" + key.asText() + "'");
            }
            schema.path("properties").fields().forEachRemaining(p -> {
                if (value.has(p.getKey())) problems.addAll(validate(p.getValue(), value.get(p.getKey()), at + "." + p.getKey()));
            });
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").intValue()) {
                problems.add(at + ": fewer than " + schema.get("minItems") + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) problems.addAll(validate(schema.get("items"), value.get(i), at + "[" + i + "]"));
            }
        }
        return problems;
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) if (typeMatches(t, value)) return true;
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("schema uses unsupported type " + type);
        };
    }

    private static String typeNames(JsonNode type) {
        if (!type.isArray()) return type.asText();
        List<String> names = new ArrayList<>();
        type.forEach(t -> names.add(t.asText()));
        return names.toString();
    }

    @Test
    void theSchemaFileIsWhereTheDocsSay() {
        assertTrue(Files.isRegularFile(repoRoot().resolve("data-schemas/manifest.schema.json")));
        assertTrue(Files.isRegularFile(repoRoot().resolve("data-schemas/artifact-format.md")));
    }
}
