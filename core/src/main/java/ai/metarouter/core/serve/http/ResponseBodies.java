package ai.metarouter.core.serve.http;

import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.serve.ElicitResult;
import ai.metarouter.core.serve.Health;
import ai.metarouter.core.serve.RouteResult;
import ai.metarouter.core.serve.reload.ReloadStatus;
import ai.metarouter.core.serve.reload.ServingVersion;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Response bodies, written with Jackson's streaming generator (no intermediate tree on the hot path). */
final class ResponseBodies {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private ResponseBodies() {}

    /** Writes one JSON document. */
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code {"model", "propensity", "scores": {id: float}, "artifact_version"}} */
    static byte[] route(RouteResult r) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeNumberField("propensity", r.propensity());
            g.writeObjectFieldStart("scores");
            for (Map.Entry<String, Double> e : r.scores().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeNumberField("artifact_version", r.artifactVersion());
            g.writeEndObject();
        });
    }

    /**
     * {@code {"query_index", "query", "model_a", "model_b", "expected_information_bits",
     * "predicted": {"model_a": {"quality", "cost_usd"}, "model_b": {...}}, "feedback_count", "artifact_version"}}
     */
    static byte[] elicit(ElicitResult r) {
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("query_index", r.queryIndex());
            g.writeStringField("query", r.query());
            g.writeStringField("model_a", r.modelA());
            g.writeStringField("model_b", r.modelB());
            g.writeNumberField("expected_information_bits", r.expectedInformationBits());
            g.writeObjectFieldStart("predicted");
            prediction(g, "model_a", r.predictedA());
            prediction(g, "model_b", r.predictedB());
            g.writeEndObject();
            g.writeNumberField("feedback_count", r.feedbackCount());
            g.writeNumberField("artifact_version", r.artifactVersion());
            g.writeEndObject();
        });
    }

    private static void prediction(JsonGenerator g, String field, ElicitResult.Prediction p) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("quality", p.quality());
        g.writeNumberField("cost_usd", p.costUsd());
        g.writeEndObject();
    }

    /** {@code {"artifact_version", "models": [{"id", "input_price", "output_price"}]}}, unknown prices as null. */
    static byte[] models(ServingVersion v) {
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("artifact_version", v.version());
            g.writeArrayFieldStart("models");
            for (Manifest.ModelEntry m : v.catalog()) {
                g.writeStartObject();
                g.writeStringField("id", m.id());
                nullableNumber(g, "input_price", m.inputPrice());
                nullableNumber(g, "output_price", m.outputPrice());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The health report; {@code status} is "ok" or "draining". */
    static byte[] health(Health h, boolean draining) {
        ReloadStatus r = h.reload();
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("status", draining ? "draining" : "ok");
            g.writeNumberField("artifact_version", h.artifactVersion());
            g.writeObjectFieldStart("reload");
            g.writeNumberField("latest_pointer", r.latestPointer());
            if (r.refusing()) g.writeNumberField("refused_version", r.refusedVersion());
            else g.writeNullField("refused_version");
            nullableString(g, "refused_reason", r.refusing() ? r.refusedReason() : null);
            nullableString(g, "last_error", r.lastError());
            g.writeEndObject();
            g.writeStringField("event_log", h.eventLogHealthy() ? "ok" : "failing");
            g.writeNumberField("users_in_memory", h.usersInMemory());
            g.writeNumberField("users_stored", h.usersStored());
            g.writeBooleanField("state_durable", h.stateDurable());
            g.writeEndObject();
        });
    }

    /** {@code {"error": message}} */
    static byte[] error(String message) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    private static void nullableNumber(JsonGenerator g, String field, Double v) throws IOException {
        if (v == null) g.writeNullField(field);
        else g.writeNumberField(field, v);
    }

    private static void nullableString(JsonGenerator g, String field, String v) throws IOException {
        if (v == null) g.writeNullField(field);
        else g.writeStringField(field, v);
    }
}
