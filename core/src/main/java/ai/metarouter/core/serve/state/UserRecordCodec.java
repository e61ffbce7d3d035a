package ai.metarouter.core.serve.state;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.model.UserState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link UserRecord}: UTF-8 JSON with a {@code schema} number, so the store
 * stays readable by people and by later code (a record of an unknown schema is an error, never a
 * guess). Doubles are written in Java's shortest round-trip form, so theta reads back bit-identical.
 * <pre>{"schema":1,"user_id":..,"artifact_version":N,"artifact_fingerprint":"..","updated_ms":..,
 *  "state":{"theta":[..],"contexts":k},
 *  "feedback":[{"kind":"pairwise","query":..,"a":{"model","quality","cost_usd"},"b":{..},"preferred":"a"},
 *              {"kind":"reward","query":..,"model":..,"quality":..,"cost_usd":..,"reward":..}]}</pre>
 */
public final class UserRecordCodec {
    public static final int SCHEMA = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private UserRecordCodec() {}

    public static byte[] encode(UserRecord r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("user_id", r.userId());
        root.put("artifact_version", r.artifactVersion());
        root.put("artifact_fingerprint", r.artifactFingerprint());
        root.put("updated_ms", r.updatedMillis());
        ObjectNode state = root.putObject("state");
        ArrayNode theta = state.putArray("theta");
        for (double v : r.state().theta()) theta.add(v);
        state.put("contexts", r.state().contexts());
        ArrayNode fb = root.putArray("feedback");
        for (Feedback f : r.feedback()) fb.add(encode(f));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the record of user " + r.userId(), e);
        }
    }

    private static ObjectNode encode(Feedback f) {
        ObjectNode n = JSON.createObjectNode();
        if (f instanceof Feedback.Pairwise p) {
            n.put("kind", "pairwise");
            n.put("query", p.query());
            outcome(n.putObject("a"), p.a());
            outcome(n.putObject("b"), p.b());
            n.put("preferred", p.preferredA() ? "a" : "b");
        } else if (f instanceof Feedback.Reward r) {
            n.put("kind", "reward");
            n.put("query", r.query());
            outcome(n, r.outcome());
            n.put("reward", r.reward());
        }
        return n;
    }

    private static void outcome(ObjectNode n, Outcome o) {
        n.put("model", o.model());
        n.put("quality", o.quality());
        n.put("cost_usd", o.costUsd());
    }

    /**
     * Decodes a stored record.
     *
     * @throws IllegalStateException when the bytes are not a record of a schema this code reads
     *     (the store is damaged or was written by newer code): the caller must not guess
     */
    public static UserRecord decode(String key, byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            int schema = root.path("schema").asInt(-1);
            if (schema != SCHEMA) throw new IllegalStateException("unsupported record schema " + root.path("schema"));
            JsonNode state = root.required("state");
            JsonNode thetaNode = state.required("theta");
            double[] theta = new double[thetaNode.size()];
            for (int i = 0; i < theta.length; i++) theta[i] = thetaNode.get(i).doubleValue();
            List<Feedback> feedback = new ArrayList<>();
            for (JsonNode f : root.required("feedback")) feedback.add(decodeFeedback(f));
            return new UserRecord(root.required("user_id").textValue(), feedback,
                    new UserState(theta, state.required("contexts").intValue()), root.required("artifact_version").intValue(),
                    root.required("artifact_fingerprint").textValue(), root.required("updated_ms").longValue());
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("user state store: the record of '" + key + "' is unreadable: " + e.getMessage(), e);
        }
    }

    private static Feedback decodeFeedback(JsonNode f) {
        String kind = f.required("kind").textValue();
        String query = f.required("query").textValue();
        return switch (kind) {
            case "pairwise" -> new Feedback.Pairwise(query, outcome(f.required("a")), outcome(f.required("b")),
                    "a".equals(f.required("preferred").textValue()));
            case "reward" -> new Feedback.Reward(query, outcome(f), f.required("reward").doubleValue());
            default -> throw new IllegalArgumentException("unknown feedback kind " + kind);
        };
    }

    private static Outcome outcome(JsonNode n) {
        return new Outcome(n.required("model").textValue(), n.required("quality").doubleValue(), n.required("cost_usd").doubleValue());
    }
}
