package ai.metarouter.core.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.model.ArmDescriptor;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.sim.SyntheticBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A model unseen in training: the price prior is usable, and a few probe outcomes make it better. */
class ArmOnboardingTest {

    @Test
    void probesImproveOnThePricePriorForAnUnseenModel() {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(21).withQueries(2500));
        ModelCatalog catalog = data.catalog();
        OutcomeTable all = data.outcomes();
        HashedNgramFeaturizer f = new HashedNgramFeaturizer(FeatureSpec.defaults());
        int checked = 0;
        for (String newcomer : List.of(all.model(2), all.model(7))) {
            List<String> known = new ArrayList<>(all.models());
            known.remove(newcomer);
            // Trained without the newcomer: the trainer gives it the price prior (it is in the catalog).
            OutcomePredictor p = new OutcomePredictorTrainer(OutcomeTrainerConfig.defaults().withEpochs(10))
                    .fit(all.split("train").withModels(known), catalog, f);
            ArmDescriptor prior = p.arm(newcomer);
            OutcomeTable train = all.split("train");
            int col = train.modelIndex(newcomer);
            List<ArmOnboarding.Probe> probes = new ArrayList<>();
            for (int i = 0; i < train.numQueries() && probes.size() < 40; i++) {
                if (train.has(i, col)) probes.add(new ArmOnboarding.Probe(f.featurize(train.query(i).prompt()), train.quality(i, col), train.cost(i, col)));
            }
            ArmDescriptor fitted = ArmOnboarding.fromProbes(p, catalog.get(newcomer), probes, 1.0);
            OutcomeTable test = all.split("test").withModels(List.of(newcomer));
            var before = OutcomePredictorEvaluation.evaluate(p, f, test).models().get(0);
            var after = OutcomePredictorEvaluation.evaluate(p.withArm(fitted), f, test).models().get(0);
            System.out.printf(Locale.ROOT, "onboarding %s: price prior Brier %.4f ln-cost RMSE %.3f -> 40 probes Brier %.4f ln-cost RMSE %.3f "
                    + "(AUC %.3f -> %.3f)%n", newcomer, before.brier(), before.costLogRmse(), after.brier(), after.costLogRmse(), before.auc(), after.auc());
            assertTrue(after.brier() < before.brier(), newcomer + ": probes did not improve the quality prediction");
            assertTrue(after.costLogRmse() < before.costLogRmse(), newcomer + ": probes did not improve the cost prediction");
            assertTrue(Double.isFinite(before.brier()) && before.brier() < 0.5, "prior is unusable");
            checked++;
        }
        assertTrue(checked == 2);
    }
}
