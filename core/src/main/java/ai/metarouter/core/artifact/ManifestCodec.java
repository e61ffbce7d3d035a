package ai.metarouter.core.artifact;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Manifest} to and from JSON with snake_case keys, as in {@code data-schemas/manifest.schema.json}.
 *
 * <p>Written by hand over Jackson's tree model rather than by data binding, for two reasons: the
 * format version must be checked before anything else is interpreted (a newer format may change
 * what the other keys mean), and every error must name the exact key, e.g.
 * {@code catalog[2].mean_cost_usd}. Output is deterministic (fixed key order, two-space indent,
 * {@code \n} line ends) so a manifest's bytes depend only on its content. Unknown keys are
 * ignored so that additive changes within one format version stay readable.
 */
public final class ManifestCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private ManifestCodec() {}

    public static byte[] toJson(Manifest m) {
        ObjectNode root = NODES.objectNode();
        root.put("format_version", m.formatVersion());
        root.put("artifact_version", m.artifactVersion());
        root.put("created_at", m.createdAt().toString());
        root.set("feature_spec", m.featureSpec());
        ArrayNode catalog = root.putArray("catalog");
        for (Manifest.ModelEntry e : m.catalog()) {
            ObjectNode o = catalog.addObject();
            o.put("id", e.id());
            o.put("input_price", e.inputPrice());
            o.put("output_price", e.outputPrice());
            o.put("mean_cost_usd", e.meanCostUsd());
        }
        ObjectNode data = root.putObject("training_data");
        data.put("from", m.trainingData().from().toString());
        data.put("to", m.trainingData().to().toString());
        data.put("users", m.trainingData().users());
        data.put("events", m.trainingData().events());
        root.set("training_config", m.trainingConfig());
        root.set("metrics", m.metrics());
        ArrayNode files = root.putArray("files");
        for (Manifest.FileEntry f : m.files()) {
            ObjectNode o = files.addObject();
            o.put("path", f.path());
            o.put("sha256", f.sha256());
            o.put("bytes", f.bytes());
        }
        try {
            return (WRITER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest", e);
        }
    }

    /** Parses a manifest; {@code source} (e.g. {@code v3/manifest.json}) prefixes every error. */
    public static Manifest fromJson(byte[] json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ArtifactFormatException(source + ": not valid JSON: " + firstLine(e.getMessage()), e);
        }
        Fields f = new Fields(source);
        if (root == null || !root.isObject()) throw f.error("", "must be a JSON object");
        int formatVersion = f.integer(root, "format_version");
        if (!Manifest.SUPPORTED_FORMAT_VERSIONS.contains(formatVersion)) {
            throw new ArtifactFormatException(source + ": manifest format_version " + formatVersion
                    + " is not supported by this reader (supports " + Manifest.SUPPORTED_FORMAT_VERSIONS
                    + "); upgrade MetaRouter");
        }
        try {
            return new Manifest(
                    formatVersion,
                    f.integer(root, "artifact_version"),
                    f.instant(root, "created_at"),
                    f.object(root, "feature_spec"),
                    catalog(f, root),
                    trainingData(f, f.object(root, "training_data")),
                    f.object(root, "training_config"),
                    f.object(root, "metrics"),
                    files(f, root));
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static List<Manifest.ModelEntry> catalog(Fields f, JsonNode root) {
        List<Manifest.ModelEntry> out = new ArrayList<>();
        JsonNode array = f.array(root, "catalog");
        for (int i = 0; i < array.size(); i++) {
            String at = "catalog[" + i + "].";
            JsonNode o = f.element(array, i, "catalog");
            out.add(new Manifest.ModelEntry(
                    f.text(o, "id", at),
                    f.nullableNumber(o, "input_price", at),
                    f.nullableNumber(o, "output_price", at),
                    f.number(o, "mean_cost_usd", at)));
        }
        return out;
    }

    private static Manifest.TrainingData trainingData(Fields f, JsonNode o) {
        String at = "training_data.";
        return new Manifest.TrainingData(f.date(o, "from", at), f.date(o, "to", at),
                f.longInteger(o, "users", at), f.longInteger(o, "events", at));
    }

    private static List<Manifest.FileEntry> files(Fields f, JsonNode root) {
        List<Manifest.FileEntry> out = new ArrayList<>();
        JsonNode array = f.array(root, "files");
        for (int i = 0; i < array.size(); i++) {
            String at = "files[" + i + "].";
            JsonNode o = f.element(array, i, "files");
            out.add(new Manifest.FileEntry(f.text(o, "path", at), f.text(o, "sha256", at), f.longInteger(o, "bytes", at)));
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Typed access to required keys, with errors naming the key path. */
    private record Fields(String source) {
        ArtifactFormatException error(String key, String problem) {
            return new ArtifactFormatException(source + ": " + (key.isEmpty() ? "manifest" : "key '" + key + "'") + " " + problem);
        }

        JsonNode required(JsonNode o, String key, String at) {
            JsonNode v = o.get(key);
            if (v == null || v.isMissingNode()) throw error(at + key, "is missing");
            return v;
        }

        int integer(JsonNode o, String key) {
            JsonNode v = required(o, key, "");
            if (!v.isIntegralNumber() || !v.canConvertToInt()) throw error(key, "must be an integer, found " + describe(v));
            return v.intValue();
        }

        long longInteger(JsonNode o, String key, String at) {
            JsonNode v = required(o, key, at);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) throw error(at + key, "must be an integer, found " + describe(v));
            return v.longValue();
        }

        double number(JsonNode o, String key, String at) {
            JsonNode v = required(o, key, at);
            if (!v.isNumber()) throw error(at + key, "must be a number, found " + describe(v));
            return v.doubleValue();
        }

        Double nullableNumber(JsonNode o, String key, String at) {
            JsonNode v = required(o, key, at);
            if (v.isNull()) return null;
            if (!v.isNumber()) throw error(at + key, "must be a number or null, found " + describe(v));
            return v.doubleValue();
        }

        String text(JsonNode o, String key, String at) {
            JsonNode v = required(o, key, at);
            if (!v.isTextual()) throw error(at + key, "must be a string, found " + describe(v));
            return v.textValue();
        }

        ObjectNode object(JsonNode o, String key) {
            JsonNode v = required(o, key, "");
            if (!v.isObject()) throw error(key, "must be a JSON object, found " + describe(v));
            return (ObjectNode) v;
        }

        JsonNode array(JsonNode o, String key) {
            JsonNode v = required(o, key, "");
            if (!v.isArray()) throw error(key, "must be a JSON array, found " + describe(v));
            return v;
        }

        JsonNode element(JsonNode array, int i, String key) {
            JsonNode v = array.get(i);
            if (!v.isObject()) throw error(key + "[" + i + "]", "must be a JSON object, found " + describe(v));
            return v;
        }

        Instant instant(JsonNode o, String key) {
            String s = text(o, key, "");
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw error(key, "must be an ISO-8601 UTC instant like 2024-05-01T12:00:00Z, found '" + s + "'");
            }
        }

        LocalDate date(JsonNode o, String key, String at) {
            String s = text(o, key, at);
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                throw error(at + key, "must be a date like 2024-05-01, found '" + s + "'");
            }
        }

        private static String describe(JsonNode v) {
            return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
