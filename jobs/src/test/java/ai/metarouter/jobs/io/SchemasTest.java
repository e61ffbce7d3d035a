package ai.metarouter.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The schemas derived from data-schemas/ agree with the column lists of the shared data contract
 * (CONVENTIONS.md, "Shared data contracts"): names, order, types and nullability. The expected
 * lists below are transcribed from that contract, not from a run.
 */
class SchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void outcomeTableMatchesTheContract() {
        StructType expected = new StructType()
                .add("query_id", DataTypes.StringType, false)
                .add("task", DataTypes.StringType, false)
                .add("prompt", DataTypes.StringType, false)
                .add("split", DataTypes.StringType, false)
                .add("model", DataTypes.StringType, false)
                .add("quality", DataTypes.DoubleType, false)
                .add("cost_usd", DataTypes.DoubleType, false);
        assertEquals(expected, Schemas.outcomes());
    }

    @Test
    void interactionLogMatchesTheContract() {
        DataType s = DataTypes.StringType;
        DataType d = DataTypes.DoubleType;
        StructType expected = new StructType()
                .add("event_id", s, false)
                .add("user_id", s, false)
                .add("ts", DataTypes.TimestampType, false)
                .add("event_type", s, false)
                .add("query_id", s, true)
                .add("query", s, false)
                .add("task", s, true)
                .add("candidates", DataTypes.createArrayType(s, false), true)
                .add("model", s, true)
                .add("propensity", d, true)
                .add("quality", d, true)
                .add("cost_usd", d, true)
                .add("reward", d, true)
                .add("model_a", s, true)
                .add("quality_a", d, true)
                .add("cost_usd_a", d, true)
                .add("model_b", s, true)
                .add("quality_b", d, true)
                .add("cost_usd_b", d, true)
                .add("preferred", s, true)
                .add("policy", s, true)
                .add("artifact_version", DataTypes.IntegerType, true)
                .add("dt", s, false);
        assertEquals(expected, Schemas.interactionLog());
        assertEquals(expected, InteractionEventRows.schema());
    }

    @Test
    void usersMatchTheContract() {
        DataType d = DataTypes.DoubleType;
        StructType expected = new StructType()
                .add("user_id", DataTypes.StringType, false)
                .add("split", DataTypes.StringType, false)
                .add("family", DataTypes.StringType, false)
                .add("lambda", d, true)
                .add("budget_usd", d, true)
                .add("quality_floor", d, true)
                .add("exponent", d, true)
                .add("threshold", d, true)
                .add("beta", d, true);
        assertEquals(expected, Schemas.users());
    }

    /** models.json is written by core ModelCatalog (Jackson): its keys are exactly the schema's properties. */
    @Test
    void modelCatalogSchemaMatchesWhatModelCatalogWrites() throws Exception {
        JsonNode schema = resource(Schemas.MODEL_CATALOG_FILE);
        ModelCatalog catalog = new ModelCatalog("routerbench", List.of(new ModelInfo("m", null, 2.0, 0.001, 3)));
        JsonNode written = JSON.readTree(catalog.toJson());

        assertEquals(names(schema.get("properties")), fieldNames(written));
        assertEquals(names(schema.get("required")), fieldNames(written));
        JsonNode modelSchema = schema.at("/properties/models/items");
        assertEquals(names(modelSchema.get("properties")), fieldNames(written.get("models").get(0)));
        assertEquals(names(modelSchema.get("required")), fieldNames(written.get("models").get(0)));
        assertEquals(ModelCatalog.SCHEMA_VERSION, schema.at("/properties/schema_version/const").asInt());
        // The catalog reads back what the schema describes.
        assertEquals(catalog, ModelCatalog.fromJson(catalog.toJson(), "test"));
    }

    @Test
    void everySchemaFileDescribesEveryColumn() throws Exception {
        for (String file : List.of(Schemas.OUTCOME_TABLE_FILE, Schemas.INTERACTION_LOG_FILE, Schemas.USERS_FILE,
                Schemas.MODEL_CATALOG_FILE)) {
            JsonNode schema = resource(file);
            assertTrue(schema.path("description").asText().length() > 20, file + " has a description");
            Iterator<JsonNode> props = schema.get("properties").elements();
            while (props.hasNext()) {
                assertTrue(props.next().path("description").isTextual(), file + ": every property has a description");
            }
        }
    }

    @Test
    void derivationRejectsNullabilityThatDisagreesWithRequired() throws Exception {
        JsonNode optionalButNotNull = JSON.readTree("""
                {"required": [], "properties": {"x": {"description": "d", "type": "string"}}}""");
        assertThrows(IllegalStateException.class, () -> JsonSchemaStruct.derive(optionalButNotNull, "t"));
        JsonNode requiredButNull = JSON.readTree("""
                {"required": ["x"], "properties": {"x": {"description": "d", "type": ["string", "null"]}}}""");
        assertThrows(IllegalStateException.class, () -> JsonSchemaStruct.derive(requiredButNull, "t"));
        JsonNode undescribed = JSON.readTree("""
                {"required": ["x"], "properties": {"x": {"type": "string"}}}""");
        assertThrows(IllegalStateException.class, () -> JsonSchemaStruct.derive(undescribed, "t"));
        JsonNode unknownType = JSON.readTree("""
                {"required": ["x"], "properties": {"x": {"description": "d", "type": "object"}}}""");
        assertThrows(IllegalStateException.class, () -> JsonSchemaStruct.derive(unknownType, "t"));
    }

    @Test
    void derivationMapsFormats() throws Exception {
        JsonNode schema = JSON.readTree("""
                {"required": ["a", "b", "c", "d"], "properties": {
                  "a": {"description": "d", "type": "string", "format": "date-time"},
                  "b": {"description": "d", "type": "integer", "format": "int32"},
                  "c": {"description": "d", "type": "integer"},
                  "d": {"description": "d", "type": "array", "items": {"type": "number"}}}}""");
        StructType derived = JsonSchemaStruct.derive(schema, "t");
        List<DataType> types = new ArrayList<>();
        for (StructField f : derived.fields()) types.add(f.dataType());
        assertEquals(List.of(DataTypes.TimestampType, DataTypes.IntegerType, DataTypes.LongType,
                DataTypes.createArrayType(DataTypes.DoubleType, false)), types);
    }

    private static JsonNode resource(String file) throws Exception {
        try (InputStream in = SchemasTest.class.getClassLoader().getResourceAsStream(Schemas.RESOURCE_DIR + "/" + file)) {
            return JSON.readTree(in);
        }
    }

    private static Set<String> names(JsonNode node) {
        Set<String> out = new TreeSet<>();
        if (node.isArray()) node.forEach(n -> out.add(n.asText()));
        else node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
