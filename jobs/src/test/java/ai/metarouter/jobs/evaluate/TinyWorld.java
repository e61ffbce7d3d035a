package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.SyntheticBenchmark;
import ai.metarouter.core.sim.UserSplit;
import java.util.ArrayList;
import java.util.List;

/**
 * A small synthetic world for the evaluation's unit tests: 240 queries x 4 models, a router with
 * a fitted outcome predictor and untrained meta-parameters (no Spark), a panel and a few users.
 */
final class TinyWorld {
    final OutcomeTable table;
    final ModelCatalog catalog;
    final MetaRouterModel model;
    final List<String> arms;
    final EvalSettings settings;
    final ProfileDistribution.Config profiles = ProfileDistribution.Config.defaults();
    final QueryPanel panel;
    final List<PoolVariant> variants;
    final List<EvalUser> users = new ArrayList<>();

    TinyWorld(boolean sweeps) {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(7).withQueries(240).withModels(4));
        table = data.outcomes();
        catalog = data.catalog();
        TrainerConfig config = TrainerConfig.defaults().withIterations(0, 1);
        config = new TrainerConfig(new FeatureSpec(256, 2, FeatureSpec.DEFAULT_HASH_SEED, true, FeatureSpec.ALGORITHM_VERSION),
                config.basis(), config.outcome(), 8, 2, 5.0, config.model(), config.objective(), config.adam(), 0, 1, 0.0, 5L);
        model = new ReferenceTrainer(config).initialModel(table, catalog);
        arms = PanelBuilder.arms(model, table);
        settings = new EvalSettings(new int[] {0, 1, 2, 4}, 2, 11L, 1.0, 1.0, 0.5, 5.0, 11L,
                new double[] {profiles.lambdaMin(), profiles.lambdaMax(), profiles.betaMedian(), profiles.betaLogSd()});
        ModelVariants.Built built = ModelVariants.build(model, table, catalog, arms, settings, !sweeps, List.of(2, 3), 1, 10, 1.0,
                null, config, null, (f, a) -> { });
        variants = built.variants();
        panel = PanelBuilder.panel(table, catalog, arms, built.routers(), profiles, 32, 11L);
        payloads = built.routers().stream().map(ModelPayload::of).toList();
        for (UserSplit split : UserSplit.values()) {
            users.addAll(PanelBuilder.users(table, catalog, arms, split, 12, settings.kMax(), profiles, 11L, 6));
        }
    }

    final List<ModelPayload> payloads;

    UserEvaluator evaluator() {
        return new EvaluationJob.Shared(panel, payloads, variants, settings).evaluator();
    }

    ResultLayout layout() {
        return new ResultLayout(variants, settings);
    }
}
