package ai.metarouter.core.serve.log;

import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.InteractionEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON-lines form of an {@link InteractionEvent}: one object per line whose keys are the
 * interaction-log schema's column names ({@code data-schemas/interaction-log.schema.json}); null
 * columns are left out; {@code ts} is an ISO-8601 UTC instant with milliseconds; {@code dt} is the
 * UTC date of {@code ts}. Serving writes it, {@code ingest} parses it back.
 *
 * <p>Parsing is strict, because a line that training would misread is worse than one it drops:
 * duplicate or unknown keys, wrong JSON types (a number in quotes is not a number), a {@code dt}
 * that is not the date of {@code ts}, a column that belongs to another event type, and everything
 * {@link InteractionEvent#problems()} finds are each a one-line reason.
 */
public final class InteractionEventJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final DateTimeFormatter TS = DateTimeFormatter.ISO_INSTANT;

    /** Columns only route events carry. */
    private static final Set<String> ROUTE_ONLY = Set.of("candidates", "propensity");
    /** Columns only preference events carry. */
    private static final Set<String> PREFERENCE_ONLY = Set.of("model_a", "quality_a", "cost_usd_a", "model_b", "quality_b",
            "cost_usd_b", "preferred");
    /** Columns of route and reward events (the observed outcome of one model). */
    private static final Set<String> OUTCOME = Set.of("model", "quality", "cost_usd", "reward");
    /** Every key, in schema order. */
    public static final List<String> KEYS = List.of("event_id", "user_id", "ts", "event_type", "query_id", "query", "task",
            "candidates", "model", "propensity", "quality", "cost_usd", "reward", "model_a", "quality_a", "cost_usd_a",
            "model_b", "quality_b", "cost_usd_b", "preferred", "policy", "artifact_version", "dt");
    private static final Set<String> KNOWN = Set.copyOf(KEYS);
    private static final List<String> REQUIRED = List.of("event_id", "user_id", "ts", "event_type", "query", "dt");

    private InteractionEventJson() {}

    /** Writes the event as one JSON object followed by {@code '\n'}. */
    public static void writeLine(InteractionEvent e, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("event_id", e.eventId());
            g.writeStringField("user_id", e.userId());
            g.writeStringField("ts", TS.format(Instant.ofEpochMilli(e.tsMillis())));
            g.writeStringField("event_type", e.type().wireName());
            string(g, "query_id", e.queryId());
            g.writeStringField("query", e.query());
            string(g, "task", e.task());
            if (e.candidates() != null) {
                g.writeArrayFieldStart("candidates");
                for (String c : e.candidates()) g.writeString(c);
                g.writeEndArray();
            }
            string(g, "model", e.model());
            number(g, "propensity", e.propensity());
            number(g, "quality", e.quality());
            number(g, "cost_usd", e.costUsd());
            number(g, "reward", e.reward());
            string(g, "model_a", e.modelA());
            number(g, "quality_a", e.qualityA());
            number(g, "cost_usd_a", e.costUsdA());
            string(g, "model_b", e.modelB());
            number(g, "quality_b", e.qualityB());
            number(g, "cost_usd_b", e.costUsdB());
            string(g, "preferred", e.preferred());
            string(g, "policy", e.policy());
            if (e.artifactVersion() != null) g.writeNumberField("artifact_version", e.artifactVersion());
            g.writeStringField("dt", e.dt());
            g.writeEndObject();
        }
        out.write('\n');
    }

    /** The line (with its trailing newline) as a string. */
    public static String toLine(InteractionEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            writeLine(e, out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void string(JsonGenerator g, String key, String value) throws IOException {
        if (value != null) g.writeStringField(key, value);
    }

    private static void number(JsonGenerator g, String key, Double value) throws IOException {
        if (value != null) g.writeNumberField(key, value);
    }

    /**
     * Parses one line (without its newline).
     *
     * @throws InvalidEventLineException with a one-line reason when the line is not a valid event
     */
    public static InteractionEvent parse(String line) throws InvalidEventLineException {
        JsonNode node;
        try {
            node = READER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidEventLineException(InvalidEventLineException.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) throw new InvalidEventLineException(InvalidEventLineException.MALFORMED_JSON, "not a JSON object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KNOWN.contains(key)) throw new InvalidEventLineException(InvalidEventLineException.UNKNOWN_FIELD, "unknown field '" + key + "'");
        }
        for (String key : REQUIRED) {
            if (!node.hasNonNull(key)) throw new InvalidEventLineException(InvalidEventLineException.MISSING_FIELD, "missing field '" + key + "'");
        }
        Fields f = new Fields(node);
        EventType type;
        try {
            type = EventType.fromWire(f.string("event_type"));
        } catch (IllegalArgumentException e) {
            throw new InvalidEventLineException(InvalidEventLineException.UNKNOWN_EVENT_TYPE, e.getMessage());
        }
        checkColumnsBelongTo(node, type);
        Instant ts;
        try {
            ts = Instant.from(TS.parse(f.string("ts")));
        } catch (DateTimeParseException e) {
            throw new InvalidEventLineException(InvalidEventLineException.BAD_TIMESTAMP, "ts '" + f.string("ts") + "' is not an ISO-8601 instant");
        }
        if (ts.getNano() % 1_000_000 != 0) {
            throw new InvalidEventLineException(InvalidEventLineException.BAD_TIMESTAMP, "ts '" + f.string("ts") + "' has more than millisecond precision");
        }
        InteractionEvent e;
        try {
            e = new InteractionEvent(f.string("event_id"), f.string("user_id"), ts.toEpochMilli(), type,
                    f.string("query_id"), f.string("query"), f.string("task"), f.stringList("candidates"), f.string("model"),
                    f.dbl("propensity"), f.dbl("quality"), f.dbl("cost_usd"), f.dbl("reward"),
                    f.string("model_a"), f.dbl("quality_a"), f.dbl("cost_usd_a"),
                    f.string("model_b"), f.dbl("quality_b"), f.dbl("cost_usd_b"),
                    f.string("preferred"), f.string("policy"), f.integer("artifact_version"));
        } catch (IllegalArgumentException ex) {
            throw new InvalidEventLineException(InvalidEventLineException.INVALID_VALUE, ex.getMessage());
        }
        if (!e.dt().equals(f.string("dt"))) {
            throw new InvalidEventLineException(InvalidEventLineException.DT_MISMATCH, "dt " + f.string("dt") + " is not the UTC date of ts (" + e.dt() + ")");
        }
        List<String> problems = e.problems();
        if (!problems.isEmpty()) throw new InvalidEventLineException(InvalidEventLineException.INVALID_VALUE, String.join("; ", problems));
        return e;
    }

    /** A column that belongs to another event type must be absent or null (the schema's flat-table rule). */
    private static void checkColumnsBelongTo(JsonNode node, EventType type) throws InvalidEventLineException {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) continue;
            String key = field.getKey();
            boolean foreign = switch (type) {
                case ROUTE -> PREFERENCE_ONLY.contains(key);
                case REWARD -> PREFERENCE_ONLY.contains(key) || ROUTE_ONLY.contains(key);
                case PREFERENCE -> ROUTE_ONLY.contains(key) || OUTCOME.contains(key);
            };
            if (foreign) throw new InvalidEventLineException(InvalidEventLineException.FOREIGN_COLUMN, type.wireName() + " event has field '" + key + "', which belongs to other event types");
        }
    }

    /** Typed access with a reason for every wrong type. */
    private record Fields(JsonNode node) {
        String string(String key) throws InvalidEventLineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) return null;
            if (!v.isTextual()) throw new InvalidEventLineException(InvalidEventLineException.WRONG_TYPE, "field '" + key + "' must be a string, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return v.textValue();
        }

        Double dbl(String key) throws InvalidEventLineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) return null;
            if (!v.isNumber()) throw new InvalidEventLineException(InvalidEventLineException.WRONG_TYPE, "field '" + key + "' must be a number, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            double d = v.doubleValue();
            if (!Double.isFinite(d)) throw new InvalidEventLineException(InvalidEventLineException.WRONG_TYPE, "field '" + key + "' is out of the double range");
            return d;
        }

        Integer integer(String key) throws InvalidEventLineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) return null;
            if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new InvalidEventLineException(InvalidEventLineException.WRONG_TYPE, "field '" + key + "' must be a 32-bit integer");
            return v.intValue();
        }

        List<String> stringList(String key) throws InvalidEventLineException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) return null;
            if (!v.isArray()) throw new InvalidEventLineException(InvalidEventLineException.WRONG_TYPE, "field '" + key + "' must be an array of strings");
            List<String> out = new ArrayList<>(v.size());
            for (JsonNode item : v) {
                if (!item.isTextual()) throw new InvalidEventLineException(InvalidEventLineException.WRONG_TYPE, "field '" + key + "' must be an array of strings");
                out.add(item.textValue());
            }
            return out;
        }
    }
}
