package ai.metarouter.core.serve.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code data-schemas/openapi.yaml}, read with Jackson's YAML parser, and a validator for the part
 * of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the file uses: {@code $ref}, {@code oneOf},
 * {@code type} (one or a list, {@code "null"} included), {@code properties}, {@code required},
 * {@code additionalProperties} (false or a schema), {@code items}, {@code enum}, {@code minimum},
 * {@code maximum}, {@code exclusiveMinimum}, {@code minLength}, {@code maxLength}, {@code minItems},
 * {@code maxItems}, {@code uniqueItems}. A keyword the validator does not know fails loudly, so the file cannot
 * silently say more than the tests check.
 */
final class OpenApiContract {
    private static final Set<String> KNOWN_KEYWORDS = Set.of("$ref", "oneOf", "type", "properties", "required",
            "additionalProperties", "items", "enum", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength", "minItems",
            "maxItems", "uniqueItems", "description");

    final JsonNode spec;

    private OpenApiContract(JsonNode spec) {
        this.spec = spec;
    }

    static OpenApiContract load() throws IOException {
        String root = System.getProperty("metarouter.repo.root", "..");
        Path file = Path.of(root, "data-schemas", "openapi.yaml");
        return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file)));
    }

    /** (path, method) of every documented operation. */
    List<String[]> operations() {
        List<String[]> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = spec.get("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) out.add(new String[] {path.getKey(), m.next()});
        }
        return out;
    }

    /** Problems of a response body against the documented response (empty = conforms). */
    List<String> checkResponse(String path, String method, int status, String contentType, JsonNode body) {
        JsonNode operation = spec.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
        if (operation.isMissingNode()) return List.of(method + " " + path + " is not documented");
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) return List.of(method + " " + path + " does not document status " + status);
        response = resolve(response);
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body == null ? List.of() : List.of("status " + status + " documents no body, got one");
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        JsonNode media = content.path(mediaType);
        if (media.isMissingNode()) return List.of("status " + status + " does not document media type " + contentType);
        if (body == null) return List.of();
        List<String> problems = new ArrayList<>();
        validate(media.get("schema"), body, "$", problems);
        return problems;
    }

    /** Problems of a request body against the documented request schema (empty = conforms). */
    List<String> checkRequest(String path, String method, JsonNode body) {
        JsonNode schema = spec.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT))
                .path("requestBody").path("content").path("application/json").path("schema");
        List<String> problems = new ArrayList<>();
        validate(schema, body, "$", problems);
        return problems;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new IllegalArgumentException("only local refs are supported: " + ref);
            JsonNode target = spec;
            for (String part : ref.substring(2).split("/")) target = target.path(part);
            if (target.isMissingNode()) throw new IllegalArgumentException("dangling $ref " + ref);
            node = target;
        }
        return node;
    }

    void validate(JsonNode schemaNode, JsonNode value, String where, List<String> problems) {
        JsonNode schema = resolve(schemaNode);
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!KNOWN_KEYWORDS.contains(keyword)) throw new IllegalArgumentException("unsupported keyword " + keyword + " at " + where);
        }
        if (schema.has("oneOf")) {
            int matches = 0;
            List<String> all = new ArrayList<>();
            for (JsonNode option : schema.get("oneOf")) {
                List<String> p = new ArrayList<>();
                validate(option, value, where, p);
                if (p.isEmpty()) matches++;
                all.addAll(p);
            }
            if (matches != 1) problems.add(where + ": matches " + matches + " of oneOf " + all);
            return;
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            problems.add(where + ": expected type " + schema.get("type") + ", got " + value.getNodeType());
            return;
        }
        if (value.isNull()) return;
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= e.equals(value);
            if (!found) problems.add(where + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isNumber()) {
            double v = value.doubleValue();
            if (schema.has("minimum") && v < schema.get("minimum").doubleValue()) problems.add(where + ": " + v + " < minimum");
            if (schema.has("maximum") && v > schema.get("maximum").doubleValue()) problems.add(where + ": " + v + " > maximum");
            if (schema.has("exclusiveMinimum") && v <= schema.get("exclusiveMinimum").doubleValue()) {
                problems.add(where + ": " + v + " <= exclusiveMinimum");
            }
        }
        if (value.isTextual()) {
            int n = value.textValue().codePointCount(0, value.textValue().length());
            if (schema.has("minLength") && n < schema.get("minLength").intValue()) problems.add(where + ": shorter than minLength");
            if (schema.has("maxLength") && n > schema.get("maxLength").intValue()) problems.add(where + ": longer than maxLength");
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").intValue()) problems.add(where + ": fewer than minItems");
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").intValue()) problems.add(where + ": more than maxItems");
            if (schema.path("uniqueItems").asBoolean(false)) {
                Set<JsonNode> seen = new HashSet<>();
                for (JsonNode item : value) if (!seen.add(item)) problems.add(where + ": repeated item " + item);
            }
            if (schema.has("items")) {
                int i = 0;
                for (JsonNode item : value) validate(schema.get("items"), item, where + "[" + i++ + "]", problems);
            }
        }
        if (value.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) problems.add(where + ": missing required " + r.asText());
            }
            JsonNode props = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String at = where + "." + f.getKey();
                if (props.has(f.getKey())) {
                    validate(props.get(f.getKey()), f.getValue(), at, problems);
                } else if (schema.has("additionalProperties")) {
                    JsonNode extra = schema.get("additionalProperties");
                    if (extra.isBoolean()) {
                        if (!extra.booleanValue()) problems.add(at + ": not allowed (additionalProperties: false)");
                    } else {
                        validate(extra, f.getValue(), at, problems);
                    }
                }
            }
        }
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
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue()));
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }
}
