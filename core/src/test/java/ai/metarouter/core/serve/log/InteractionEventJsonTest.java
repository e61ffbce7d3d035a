package ai.metarouter.core.serve.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteractionEventJsonTest {
    private static final long TS = 1_735_776_000_123L; // 2025-01-02T00:00:00.123Z

    static InteractionEvent route() {
        return InteractionEvent.route("e1", "u1", TS, null, "what is 2+2?", null, List.of("a", "b"), "b", 0.25, null, null, null,
                "metarouter", 3);
    }

    @Test
    void everyEventTypeRoundTripsExactly() throws Exception {
        InteractionEvent pref = InteractionEvent.preference("e2", "u1", TS, "q7", "translate \"hi\"\n", "qa",
                new Outcome("a", 0.9, 0.0123456789), new Outcome("b", 0.1, 0.0), false, null, 3);
        InteractionEvent reward = InteractionEvent.reward("e3", "u1", TS, null, "q", null, new Outcome("a", 1.0, 1e-7), -0.1 / 3, null, null);
        for (InteractionEvent e : List.of(route(), pref, reward)) {
            String line = InteractionEventJson.toLine(e);
            assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
            assertEquals(e, InteractionEventJson.parse(line.strip()));
        }
        String line = InteractionEventJson.toLine(route());
        assertTrue(line.contains("\"ts\":\"2025-01-02T00:00:00.123Z\""), line);
        assertTrue(line.contains("\"dt\":\"2025-01-02\""), line);
        assertTrue(!line.contains("null"), "null columns are left out: " + line);
    }

    @Test
    void rejectsLinesTrainingWouldMisreadWithAReason() {
        String good = InteractionEventJson.toLine(route()).strip();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"event_id\":", "not valid JSON");
        bad.put("[]", "not a JSON object");
        bad.put(good.replace("\"query\":", "\"extra\":1,\"query\":"), "unknown field 'extra'");
        bad.put(good.replace("\"user_id\":\"u1\",", ""), "missing field 'user_id'");
        bad.put(good.replace("\"propensity\":0.25", "\"propensity\":\"0.25\""), "field 'propensity' must be a number");
        bad.put(good.replace("\"artifact_version\":3", "\"artifact_version\":3.5"), "must be a 32-bit integer");
        bad.put(good.replace("\"dt\":\"2025-01-02\"", "\"dt\":\"2025-01-03\""), "is not the UTC date of ts");
        bad.put(good.replace("2025-01-02T00:00:00.123Z", "yesterday"), "is not an ISO-8601 instant");
        bad.put(good.replace("\"event_type\":\"route\"", "\"event_type\":\"click\""), "unknown event_type: click");
        bad.put(good.replace("\"propensity\":0.25", "\"propensity\":0"), "propensity must be in (0, 1]");
        bad.put(good.replace("\"model\":\"b\"", "\"model\":\"c\""), "model c is not among the candidates");
        bad.put(good.replace("\"query\":", "\"preferred\":\"a\",\"query\":"), "has field 'preferred', which belongs to other event types");
        bad.put(good.replace("\"user_id\":\"u1\"", "\"user_id\":\"u1\",\"user_id\":\"u2\""), "Duplicate field 'user_id'");
        bad.put(good.replace("\"candidates\":[\"a\",\"b\"]", "\"candidates\":[\"a\",2]"), "must be an array of strings");
        bad.forEach((line, reason) -> {
            InvalidEventLineException e = assertThrows(InvalidEventLineException.class, () -> InteractionEventJson.parse(line), line);
            assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' for " + line + ", got: " + e.getMessage());
        });
        InvalidEventLineException unknown = assertThrows(InvalidEventLineException.class,
                () -> InteractionEventJson.parse(good.replace("\"query\":", "\"extra\":1,\"query\":")));
        assertEquals(InvalidEventLineException.UNKNOWN_FIELD, unknown.code());
        InvalidEventLineException dt = assertThrows(InvalidEventLineException.class,
                () -> InteractionEventJson.parse(good.replace("\"dt\":\"2025-01-02\"", "\"dt\":\"2025-01-03\"")));
        assertEquals(InvalidEventLineException.DT_MISMATCH, dt.code());
    }
}
