package ai.metarouter.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    @Test
    void jsonRoundTripKeepsNullPrices() {
        ModelCatalog c = new ModelCatalog("routerbench", List.of(
                new ModelInfo("a", null, null, 0.0002, 100), new ModelInfo("b", 0.5, 1.5, 0.004, 100)));
        String json = c.toJson();
        assertTrue(json.contains("\"input_price\" : null"), json);
        assertEquals(c, ModelCatalog.fromJson(json, "models.json"));
    }

    @Test
    void rejectsUnknownSchemaVersionNamingTheFile() {
        String json = "{\"schema_version\": 9, \"source\": \"x\", \"models\": [{\"id\":\"a\",\"input_price\":null,"
                + "\"output_price\":null,\"mean_cost_usd\":1,\"queries\":1}]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCatalog.fromJson(json, "/x/models.json"));
        assertTrue(e.getMessage().startsWith("/x/models.json: unsupported models.json schema_version 9"), e.getMessage());
    }

    @Test
    void rejectsDuplicatesNegativeCostsAndUnknownFields() {
        assertThrows(IllegalArgumentException.class, () -> new ModelCatalog("x",
                List.of(new ModelInfo("a", null, null, 1, 1), new ModelInfo("a", null, null, 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> new ModelInfo("a", null, null, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> ModelCatalog.fromJson(
                "{\"schema_version\":1,\"source\":\"x\",\"models\":[],\"extra\":1}", "m.json"));
        assertThrows(IllegalArgumentException.class, () -> ModelCatalog.fromJson("not json", "m.json"));
    }
}
