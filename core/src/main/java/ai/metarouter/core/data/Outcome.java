package ai.metarouter.core.data;

/**
 * What one model produced for one query, as a user saw it.
 *
 * @param model model id
 * @param quality observed quality in [0, 1]
 * @param costUsd observed cost in USD (>= 0)
 */
public record Outcome(String model, double quality, double costUsd) {
    public Outcome {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("outcome needs a model id");
        if (!(quality >= 0 && quality <= 1)) throw new IllegalArgumentException("quality must be in [0, 1], got " + quality);
        if (!(costUsd >= 0) || Double.isInfinite(costUsd)) throw new IllegalArgumentException("cost_usd must be finite and >= 0, got " + costUsd);
    }
}
