package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.sim.SyntheticBenchmark;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OutcomePredictorEvaluationTest {

    @Test
    void aucMatchesAHandComputedExample() {
        // positives at 0.35 and 0.8, negatives at 0.1 and 0.4: 3 of the 4 (pos, neg) pairs are ordered
        double auc = OutcomePredictorEvaluation.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}, 4);
        assertEquals(0.75, auc, 1e-15);
        // ties count one half
        assertEquals(0.5, OutcomePredictorEvaluation.auc(new double[] {0.3, 0.3}, new boolean[] {true, false}, 2), 1e-15);
        assertTrue(Double.isNaN(OutcomePredictorEvaluation.auc(new double[] {0.3, 0.4}, new boolean[] {true, true}, 2)));
    }

    @Test
    void trainedPredictorBeatsTheMeanBaselineOnGeneratedData() {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(5).withQueries(3000)
                .withQualityMode(SyntheticBenchmark.QualityMode.BINARY));
        HashedNgramFeaturizer f = new HashedNgramFeaturizer(FeatureSpec.defaults());
        for (OutcomeTrainerConfig cfg : new OutcomeTrainerConfig[] {OutcomeTrainerConfig.defaults()}) {
            OutcomePredictor p = new OutcomePredictorTrainer(cfg).fit(data.outcomes().split("train"), data.catalog(), f);
            OutcomePredictorEvaluation.Report r = OutcomePredictorEvaluation.evaluate(p, f, data.outcomes().split("train"),
                    data.outcomes().split("test"));
            System.out.printf(Locale.ROOT, "synthetic benchmark (binary quality), %s%n%s", cfg, r.toTable());
            assertEquals(data.catalog().size(), r.models().size());
            assertTrue(r.pooled().auc() > r.pooled().baselineAuc() + 0.02, "pooled AUC " + r.pooled().auc() + " vs " + r.pooled().baselineAuc());
            assertTrue(r.pooled().brier() < r.pooled().baselineBrier(), "Brier " + r.pooled().brier() + " vs " + r.pooled().baselineBrier());
            assertTrue(r.pooled().costLogRmse() < r.pooled().baselineCostLogRmse(), "cost model does not use the query length");
            double meanAuc = r.models().stream().mapToDouble(OutcomePredictorEvaluation.ModelMetrics::auc).average().orElseThrow();
            assertTrue(meanAuc > 0.6, "per-model AUC " + meanAuc);
        }
    }
}
