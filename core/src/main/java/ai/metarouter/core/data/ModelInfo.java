package ai.metarouter.core.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One routable model as the catalog knows it.
 *
 * @param id model id as used in outcome tables, logs and the HTTP API
 * @param inputPrice USD per million input tokens, or null when the source does not say
 * @param outputPrice USD per million output tokens, or null when the source does not say
 * @param meanCostUsd mean observed cost of one query (USD); the basis of {@link CostScale}
 * @param queries number of queries the mean was taken over (0 for a model known only by prices)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ModelInfo(
        @JsonProperty("id") String id,
        @JsonProperty("input_price") Double inputPrice,
        @JsonProperty("output_price") Double outputPrice,
        @JsonProperty("mean_cost_usd") double meanCostUsd,
        @JsonProperty("queries") long queries) {

    public ModelInfo {
        Objects.requireNonNull(id, "model id");
        if (id.isBlank()) throw new IllegalArgumentException("model id is blank");
        if (!(meanCostUsd >= 0) || Double.isInfinite(meanCostUsd)) {
            throw new IllegalArgumentException("model " + id + ": mean_cost_usd must be finite and >= 0, got " + meanCostUsd);
        }
        if (inputPrice != null && !(inputPrice >= 0)) {
            throw new IllegalArgumentException("model " + id + ": input_price must be >= 0, got " + inputPrice);
        }
        if (outputPrice != null && !(outputPrice >= 0)) {
            throw new IllegalArgumentException("model " + id + ": output_price must be >= 0, got " + outputPrice);
        }
        if (queries < 0) throw new IllegalArgumentException("model " + id + ": queries must be >= 0");
    }
}
