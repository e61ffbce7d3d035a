package ai.metarouter.core.serve;

import java.util.Map;

/**
 * A routing decision.
 *
 * @param model the chosen model
 * @param propensity the probability with which it was chosen (what off-policy learning divides by)
 * @param scores every candidate's estimated utility for this user, in candidate order
 * @param artifactVersion the artifact version that decided
 * @param eventId the id of the decision in the event log (it also seeded the draw)
 */
public record RouteResult(String model, double propensity, Map<String, Double> scores, int artifactVersion, String eventId) {
    public RouteResult {
        scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
    }
}
