package ai.metarouter.jobs.evaluate;

import java.util.List;
import java.util.Map;

/**
 * Everything the writers need: the aggregated cells, the layout they came from, the variants, the
 * settings and the run's descriptive facts.
 *
 * @param artifactVersion the evaluated artifact's version
 * @param cells the statistics ({@link Aggregation})
 * @param variants pool variants, index 0 the main pool
 * @param settings evaluation settings
 * @param arms the pool's arms
 * @param facts descriptive numbers for the report (users, queries, timings, predictor AUC ...), in order
 * @param offPolicy off-policy evaluation results, or null when no logs were given
 * @param comparisons paired differences behind the targets
 * @param equalQuality cost at equal quality: the single models' points and each policy's saving
 */
public record EvaluationResult(int artifactVersion, Map<Aggregation.Key, Aggregation.Cell> cells, List<PoolVariant> variants,
                               EvalSettings settings, List<String> arms, Map<String, Object> facts, OffPolicyReport offPolicy,
                               List<Aggregation.Comparison> comparisons, EqualQualityCost.Report equalQuality) {

    /** The cell, or null. */
    public Aggregation.Cell cell(int variant, Policy p, int k, String group) {
        return cells.get(new Aggregation.Key(variant, p, k, group));
    }

    /** The OOD families present, in first-seen order. */
    public List<String> oodFamilies() {
        return cells.keySet().stream().map(Aggregation.Key::group).filter(g -> g.startsWith("ood:")).distinct()
                .map(g -> g.substring(4)).toList();
    }
}
