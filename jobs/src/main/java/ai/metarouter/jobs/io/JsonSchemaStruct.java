package ai.metarouter.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Derives a Spark {@link StructType} from a row-shaped JSON Schema document of {@code data-schemas/}.
 * The mapping is deliberately small and strict, so a schema file either means exactly one Spark
 * schema or fails to load:
 * <ul>
 *   <li>{@code string} -> string; {@code string} with {@code format: date-time} -> timestamp</li>
 *   <li>{@code number} -> double; {@code integer} -> int with {@code format: int32}, else long</li>
 *   <li>{@code boolean} -> boolean; {@code array} -> array of its {@code items} (elements never null)</li>
 *   <li>a property is nullable exactly when it is not {@code required}; its {@code type} must then
 *       include {@code "null"} (and must not when required), so the two ways of saying it agree</li>
 * </ul>
 * Column order is the order of {@code properties} in the file. Every property needs a description:
 * the schema files are the documentation of the columns.
 */
final class JsonSchemaStruct {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonSchemaStruct() {}

    /** Loads {@code metarouter-schemas/<fileName>} from the classpath and derives its row schema. */
    static StructType fromResource(String fileName) {
        String resource = Schemas.RESOURCE_DIR + "/" + fileName;
        try (InputStream in = JsonSchemaStruct.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("schema " + resource + " is not on the classpath");
            return derive(JSON.readTree(in), fileName);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Derives the row schema of a parsed schema document; {@code origin} names it in errors. */
    static StructType derive(JsonNode schema, String origin) {
        JsonNode properties = schema.get("properties");
        if (properties == null || !properties.isObject()) {
            throw new IllegalStateException(origin + ": a row schema needs an object 'properties'");
        }
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(n -> required.add(n.asText()));
        for (String name : required) {
            if (!properties.has(name)) throw new IllegalStateException(origin + ": required '" + name + "' is not a property");
        }
        List<StructField> fields = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> property = it.next();
            String where = origin + ": property '" + property.getKey() + "'";
            JsonNode spec = property.getValue();
            if (!spec.path("description").isTextual() || spec.path("description").asText().isBlank()) {
                throw new IllegalStateException(where + " has no description");
            }
            List<String> types = types(spec, where);
            boolean nullable = types.remove("null");
            if (nullable == required.contains(property.getKey())) {
                throw new IllegalStateException(where + ": " + (nullable
                        ? "is required but its type allows null" : "is optional but its type does not allow null"));
            }
            if (types.size() != 1) throw new IllegalStateException(where + ": needs exactly one non-null type, got " + types);
            fields.add(new StructField(property.getKey(), sparkType(types.get(0), spec, where), nullable, Metadata.empty()));
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    private static List<String> types(JsonNode spec, String where) {
        JsonNode type = spec.get("type");
        List<String> out = new ArrayList<>();
        if (type == null) throw new IllegalStateException(where + " has no type");
        if (type.isTextual()) {
            out.add(type.asText());
        } else if (type.isArray()) {
            type.forEach(t -> out.add(t.asText()));
        } else {
            throw new IllegalStateException(where + ": type must be a string or an array of strings");
        }
        return out;
    }

    private static DataType sparkType(String type, JsonNode spec, String where) {
        String format = spec.path("format").asText("");
        return switch (type) {
            case "string" -> format.equals("date-time") ? DataTypes.TimestampType : DataTypes.StringType;
            case "number" -> DataTypes.DoubleType;
            case "integer" -> format.equals("int32") ? DataTypes.IntegerType : DataTypes.LongType;
            case "boolean" -> DataTypes.BooleanType;
            case "array" -> {
                JsonNode items = spec.get("items");
                if (items == null) throw new IllegalStateException(where + ": an array needs 'items'");
                List<String> itemTypes = types(items, where + " items");
                if (itemTypes.size() != 1) throw new IllegalStateException(where + ": array items need exactly one type");
                yield DataTypes.createArrayType(sparkType(itemTypes.get(0), items, where + " items"), false);
            }
            default -> throw new IllegalStateException(where + ": type '" + type + "' has no Spark mapping");
        };
    }
}
