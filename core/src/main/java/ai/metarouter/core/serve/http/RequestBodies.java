package ai.metarouter.core.serve.http;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.serve.ElicitRequest;
import ai.metarouter.core.serve.FeedbackRequest;
import ai.metarouter.core.serve.InvalidRequestException;
import ai.metarouter.core.serve.RouteRequest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Strict parsing of request bodies into service requests. Everything the OpenAPI description
 * forbids is a 400 with a message naming the field: a body that is not one JSON object, duplicate
 * keys, unknown keys, a missing required key, a wrong JSON type (a number in quotes is not a
 * number, null is not a string), quality outside [0, 1], a negative or non-finite cost, a
 * non-finite reward, {@code preferred} other than "a" or "b", an elicit request's
 * {@code quality_outcomes} other than "pass_fail" or "graded", a {@code query_index} that is not
 * an integer. What needs the catalog (unknown models), the request as a whole (counts, index
 * ranges, repeats) and length limits are checked by the service.
 */
final class RequestBodies {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static final Set<String> ROUTE_FIELDS = Set.of("user_id", "query", "candidates");
    static final Set<String> PAIRWISE_FIELDS = Set.of("user_id", "query", "a", "b", "preferred");
    static final Set<String> REWARD_FIELDS = Set.of("user_id", "query", "model", "quality", "cost_usd", "reward");
    static final Set<String> OUTCOME_FIELDS = Set.of("model", "quality", "cost_usd");
    static final Set<String> ELICIT_FIELDS = Set.of("user_id", "queries", "candidates", "quality_outcomes", "exclude");
    static final Set<String> ASKED_FIELDS = Set.of("query_index", "model_a", "model_b");

    private RequestBodies() {}

    static RouteRequest route(byte[] body) {
        JsonNode root = object(body);
        onlyFields(root, ROUTE_FIELDS, "a route request");
        return new RouteRequest(string(root, "user_id"), string(root, "query"), candidates(root, "route among"));
    }

    /** The optional {@code candidates} array of model ids; null when absent. */
    private static List<String> candidates(JsonNode root, String verb) {
        if (!root.has("candidates")) return null;
        JsonNode c = root.get("candidates");
        if (!c.isArray()) {
            throw new InvalidRequestException("candidates must be an array of model ids (omit it to " + verb + " all models), got " + type(c));
        }
        List<String> candidates = new ArrayList<>(c.size());
        for (JsonNode id : c) {
            if (!id.isTextual()) throw new InvalidRequestException("candidates must contain model ids (strings), got " + type(id));
            candidates.add(id.textValue());
        }
        return candidates;
    }

    static ElicitRequest elicit(byte[] body) {
        JsonNode root = object(body);
        onlyFields(root, ELICIT_FIELDS, "an elicit request");
        String userId = string(root, "user_id");
        JsonNode q = required(root, "queries");
        if (!q.isArray()) throw new InvalidRequestException("queries must be an array of query texts, got " + type(q));
        List<String> queries = new ArrayList<>(q.size());
        for (int i = 0; i < q.size(); i++) {
            if (!q.get(i).isTextual()) throw new InvalidRequestException("queries[" + i + "] must be a string, got " + type(q.get(i)));
            queries.add(q.get(i).textValue());
        }
        ElicitRequest.QualityOutcomes outcomes = null;
        if (root.has("quality_outcomes")) {
            String wire = string(root, "quality_outcomes");
            outcomes = ElicitRequest.QualityOutcomes.of(wire);
            if (outcomes == null) {
                throw new InvalidRequestException("quality_outcomes must be \"pass_fail\" or \"graded\", got \"" + wire + "\"");
            }
        }
        List<ElicitRequest.Asked> exclude = null;
        if (root.has("exclude")) {
            JsonNode ex = root.get("exclude");
            if (!ex.isArray()) {
                throw new InvalidRequestException("exclude must be an array of {query_index, model_a, model_b}, got " + type(ex));
            }
            exclude = new ArrayList<>(ex.size());
            for (int i = 0; i < ex.size(); i++) {
                String at = "exclude[" + i + "]";
                JsonNode e = ex.get(i);
                if (!e.isObject()) throw new InvalidRequestException(at + " must be an object {query_index, model_a, model_b}, got " + type(e));
                onlyFields(e, ASKED_FIELDS, at);
                JsonNode index = required(e, "query_index", at + ".query_index");
                if (!index.isIntegralNumber() || !index.canConvertToInt()) {
                    throw new InvalidRequestException(at + ".query_index must be an integer, got " + type(index) + " " + index);
                }
                exclude.add(new ElicitRequest.Asked(index.intValue(), stringField(e, "model_a", at + ".model_a"),
                        stringField(e, "model_b", at + ".model_b")));
            }
        }
        return new ElicitRequest(userId, queries, candidates(root, "compare"), outcomes, exclude);
    }

    static FeedbackRequest feedback(byte[] body) {
        JsonNode root = object(body);
        boolean pairwise = root.has("a") || root.has("b") || root.has("preferred");
        boolean reward = root.has("model") || root.has("quality") || root.has("cost_usd") || root.has("reward");
        if (pairwise == reward) {
            throw new InvalidRequestException("feedback must be either a pairwise comparison {user_id, query, a, b, preferred} "
                    + "or a reward {user_id, query, model, quality, cost_usd, reward}");
        }
        String userId = string(root, "user_id");
        String query = string(root, "query");
        if (pairwise) {
            onlyFields(root, PAIRWISE_FIELDS, "a pairwise comparison");
            String preferred = string(root, "preferred");
            if (!preferred.equals("a") && !preferred.equals("b")) {
                throw new InvalidRequestException("preferred must be \"a\" or \"b\", got \"" + preferred + "\"");
            }
            Outcome a = outcome(required(root, "a"), "a.");
            Outcome b = outcome(required(root, "b"), "b.");
            return new FeedbackRequest(userId, new Feedback.Pairwise(query, a, b, preferred.equals("a")));
        }
        onlyFields(root, REWARD_FIELDS, "a reward");
        Outcome o = outcome(root, "");
        double r = number(root, "reward", "reward");
        return new FeedbackRequest(userId, new Feedback.Reward(query, o, r));
    }

    private static Outcome outcome(JsonNode node, String prefix) {
        if (!node.isObject()) throw new InvalidRequestException(prefix.substring(0, Math.max(0, prefix.length() - 1))
                + " must be an object {model, quality, cost_usd}, got " + type(node));
        if (!prefix.isEmpty()) onlyFields(node, OUTCOME_FIELDS, "outcome " + prefix.substring(0, prefix.length() - 1));
        String model = stringField(node, "model", prefix + "model");
        double quality = number(node, "quality", prefix + "quality");
        if (!(quality >= 0 && quality <= 1)) throw new InvalidRequestException(prefix + "quality must be in [0, 1], got " + quality);
        double cost = number(node, "cost_usd", prefix + "cost_usd");
        if (!(cost >= 0)) throw new InvalidRequestException(prefix + "cost_usd must be >= 0, got " + cost);
        return new Outcome(model, quality, cost);
    }

    private static JsonNode object(byte[] body) {
        if (body.length == 0) throw new InvalidRequestException("the request body is empty; expected a JSON object");
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRequestException("the request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new InvalidRequestException("the request body must be a JSON object, got " + type(root));
        return root;
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new InvalidRequestException("unknown field '" + f + "' in " + what + " (allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        return required(node, field, field);
    }

    private static JsonNode required(JsonNode node, String field, String name) {
        JsonNode v = node.get(field);
        if (v == null) throw new InvalidRequestException("missing field '" + name + "'");
        return v;
    }

    private static String string(JsonNode node, String field) {
        return stringField(node, field, field);
    }

    private static String stringField(JsonNode node, String field, String name) {
        JsonNode v = node.get(field);
        if (v == null) throw new InvalidRequestException("missing field '" + name + "'");
        if (!v.isTextual()) throw new InvalidRequestException(name + " must be a string, got " + type(v));
        return v.textValue();
    }

    private static double number(JsonNode node, String field, String name) {
        JsonNode v = node.get(field);
        if (v == null) throw new InvalidRequestException("missing field '" + name + "'");
        if (!v.isNumber()) throw new InvalidRequestException(name + " must be a number, got " + type(v));
        double d = v.doubleValue();
        if (!Double.isFinite(d)) throw new InvalidRequestException(name + " must be a finite number");
        return d;
    }

    private static String type(JsonNode v) {
        return v == null ? "nothing" : v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
