package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.model.OutcomePredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The outcome predictor on the real RouterBench slice: trained on the *_train files, scored on
 * the *_test files, per model, against the per-model-mean baseline. Prints the report (see the
 * surefire output file). Skipped when the shared data directory is absent.
 */
class RouterBenchPredictorReportTest {

    @Test
    void predictorBeatsTheMeanBaselineOnHeldOutQueries() throws Exception {
        String root = System.getProperty("metarouter.shared.data");
        assumeTrue(root != null, "metarouter.shared.data is not set");
        Path dir = Path.of(root, "routerbench-zs");
        assumeTrue(Files.isDirectory(dir), "no RouterBench slice at " + dir);
        RouterBenchSlice.Loaded data = RouterBenchSlice.load(dir);
        assertEquals(11, data.table().numModels());
        HashedNgramFeaturizer featurizer = new HashedNgramFeaturizer(FeatureSpec.defaults());
        OutcomeTrainerConfig cfg = OutcomeTrainerConfig.defaults();
        OutcomePredictor predictor = new OutcomePredictorTrainer(cfg).fit(data.table().split("train"), data.catalog(), featurizer);
        OutcomePredictorEvaluation.Report report = OutcomePredictorEvaluation.evaluate(predictor, featurizer,
                data.table().split("train"), data.table().split("test"));
        System.out.printf(Locale.ROOT, "RouterBench slice: %d train / %d test queries (%d duplicate rows skipped, %d empty cells, "
                        + "%d train ids also in test dropped from train); predictor %s%n",
                data.table().split("train").numQueries(), data.table().split("test").numQueries(), data.duplicateRows(),
                data.emptyCells(), data.droppedOverlap(), cfg);
        System.out.print(report.toTable());
        OutcomePredictorEvaluation.ModelMetrics pooled = report.pooled();
        double meanAuc = report.models().stream().mapToDouble(OutcomePredictorEvaluation.ModelMetrics::auc).average().orElseThrow();
        System.out.printf(Locale.ROOT, "mean per-model AUC %.4f (baseline 0.5)%n", meanAuc);
        assertTrue(meanAuc > 0.55, "per-model AUC does not beat chance: " + meanAuc);
        assertTrue(pooled.auc() > pooled.baselineAuc(), "pooled AUC " + pooled.auc() + " vs baseline " + pooled.baselineAuc());
        assertTrue(pooled.brier() < pooled.baselineBrier(), "pooled Brier " + pooled.brier() + " vs baseline " + pooled.baselineBrier());
    }
}
