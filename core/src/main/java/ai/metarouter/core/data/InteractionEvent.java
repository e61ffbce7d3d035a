package ai.metarouter.core.data;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One row of the interaction log (see {@code data-schemas/interaction-log.schema.json}). The log is
 * one flat schema; fields that do not belong to an event's type are null. Serving writes these,
 * the simulator generates them, training reads them.
 *
 * @param eventId unique id of the event
 * @param userId the user
 * @param tsMillis event time, epoch milliseconds UTC
 * @param type route, preference or reward
 * @param queryId id of the query in an outcome table, when known
 * @param query the query text
 * @param task task family, when known
 * @param candidates route: the candidate models offered to the policy
 * @param model route: the chosen model; reward: the rated model
 * @param propensity route: probability with which the logging policy chose {@code model}
 * @param quality route/reward: observed quality of {@code model}'s answer
 * @param costUsd route/reward: observed cost of {@code model}'s answer
 * @param reward route/reward: the user's reward when known
 * @param modelA preference: first outcome's model
 * @param qualityA preference: first outcome's quality
 * @param costUsdA preference: first outcome's cost
 * @param modelB preference: second outcome's model
 * @param qualityB preference: second outcome's quality
 * @param costUsdB preference: second outcome's cost
 * @param preferred preference: "a" or "b"
 * @param policy name of the policy that logged the event
 * @param artifactVersion artifact version that served the decision, when any
 */
public record InteractionEvent(
        String eventId, String userId, long tsMillis, EventType type,
        String queryId, String query, String task,
        List<String> candidates, String model, Double propensity,
        Double quality, Double costUsd, Double reward,
        String modelA, Double qualityA, Double costUsdA,
        String modelB, Double qualityB, Double costUsdB,
        String preferred, String policy, Integer artifactVersion) {

    private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    public InteractionEvent {
        candidates = candidates == null ? null : List.copyOf(candidates);
    }

    /** The {@code dt=} partition this event belongs to: its UTC date. */
    public String dt() {
        return DT.format(Instant.ofEpochMilli(tsMillis));
    }

    /** Checks the fields this event's type requires; returns every problem found (empty when valid). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (eventId == null || eventId.isBlank()) p.add("event_id is missing");
        if (userId == null || userId.isBlank()) p.add("user_id is missing");
        if (query == null) p.add("query is missing");
        if (type == null) {
            p.add("event_type is missing");
            return p;
        }
        switch (type) {
            case ROUTE -> {
                if (candidates == null || candidates.isEmpty()) p.add("route: candidates are missing");
                if (model == null) p.add("route: model is missing");
                else if (candidates != null && !candidates.contains(model)) p.add("route: model " + model + " is not among the candidates");
                if (propensity == null || !(propensity > 0 && propensity <= 1)) p.add("route: propensity must be in (0, 1]");
                checkOutcome(p, "route", quality, costUsd, false);
                if (reward != null && !Double.isFinite(reward)) p.add("route: reward must be finite");
            }
            case REWARD -> {
                if (model == null) p.add("reward: model is missing");
                checkOutcome(p, "reward", quality, costUsd, true);
                if (reward == null || !Double.isFinite(reward)) p.add("reward: reward must be a finite number");
            }
            case PREFERENCE -> {
                if (modelA == null || modelB == null) p.add("preference: model_a and model_b are required");
                checkOutcome(p, "preference a", qualityA, costUsdA, true);
                checkOutcome(p, "preference b", qualityB, costUsdB, true);
                if (!"a".equals(preferred) && !"b".equals(preferred)) p.add("preference: preferred must be \"a\" or \"b\"");
            }
        }
        return p;
    }

    private static void checkOutcome(List<String> p, String what, Double q, Double c, boolean required) {
        if (q == null || c == null) {
            if (required) p.add(what + ": quality and cost_usd are required");
            return;
        }
        if (!(q >= 0 && q <= 1)) p.add(what + ": quality must be in [0, 1], got " + q);
        if (!(c >= 0) || c.isInfinite()) p.add(what + ": cost_usd must be finite and >= 0, got " + c);
    }

    /**
     * The feedback this event carries, if any: a comparison for preference events, a reward for
     * reward events and for route events whose reward is known.
     */
    public Optional<Feedback> feedback() {
        return switch (type) {
            case PREFERENCE -> Optional.of(new Feedback.Pairwise(query,
                    new Outcome(modelA, qualityA, costUsdA), new Outcome(modelB, qualityB, costUsdB), "a".equals(preferred)));
            case REWARD -> Optional.of(new Feedback.Reward(query, new Outcome(model, quality, costUsd), reward));
            case ROUTE -> reward == null || quality == null || costUsd == null
                    ? Optional.empty()
                    : Optional.of(new Feedback.Reward(query, new Outcome(model, quality, costUsd), reward));
        };
    }

    /** A route event. */
    public static InteractionEvent route(String eventId, String userId, long tsMillis, String queryId, String query,
                                         String task, List<String> candidates, String model, double propensity,
                                         Double quality, Double costUsd, Double reward, String policy,
                                         Integer artifactVersion) {
        return new InteractionEvent(eventId, userId, tsMillis, EventType.ROUTE, queryId, query, task, candidates, model,
                propensity, quality, costUsd, reward, null, null, null, null, null, null, null, policy, artifactVersion);
    }

    /** A preference event. */
    public static InteractionEvent preference(String eventId, String userId, long tsMillis, String queryId,
                                              String query, String task, Outcome a, Outcome b, boolean preferredA,
                                              String policy, Integer artifactVersion) {
        return new InteractionEvent(eventId, userId, tsMillis, EventType.PREFERENCE, queryId, query, task, null, null,
                null, null, null, null, a.model(), a.quality(), a.costUsd(), b.model(), b.quality(), b.costUsd(),
                preferredA ? "a" : "b", policy, artifactVersion);
    }

    /** A reward event. */
    public static InteractionEvent reward(String eventId, String userId, long tsMillis, String queryId, String query,
                                          String task, Outcome outcome, double reward, String policy,
                                          Integer artifactVersion) {
        return new InteractionEvent(eventId, userId, tsMillis, EventType.REWARD, queryId, query, task, null,
                outcome.model(), null, outcome.quality(), outcome.costUsd(), reward, null, null, null, null, null, null,
                null, policy, artifactVersion);
    }
}
