package ai.metarouter.core.serve.bench;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.learn.OutcomeTrainerConfig;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.core.sim.SyntheticBenchmark;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Real artifacts without Spark, for the serving benchmark and tests: the synthetic benchmark
 * ({@code core.sim}), the reference trainer ({@code core.learn}: the outcome predictor, then
 * optionally a few meta-training iterations on simulated users), published through {@link
 * RouterArtifacts} exactly as {@code train} publishes.
 *
 * @param models number of models (arms)
 * @param queries queries of the synthetic outcome table
 * @param outcomeEpochs passes of the outcome predictor's fit
 * @param metaIterations outer meta-training iterations (0 = the untrained meta-parameters)
 * @param users simulated training users (when meta-training)
 * @param seed seed of everything
 * @param qualityMode graded or pass/fail quality of the synthetic outcomes (pass/fail: the trainer
 *        drops the utility basis's quality knots)
 */
public record SyntheticArtifacts(int models, int queries, int outcomeEpochs, int metaIterations, int users, long seed,
                                 SyntheticBenchmark.QualityMode qualityMode) {

    /** Graded quality. */
    public SyntheticArtifacts(int models, int queries, int outcomeEpochs, int metaIterations, int users, long seed) {
        this(models, queries, outcomeEpochs, metaIterations, users, seed, SyntheticBenchmark.QualityMode.GRADED);
    }

    /** Small and quick (about a second): what tests serve. */
    public static SyntheticArtifacts small(long seed) {
        return new SyntheticArtifacts(11, 600, 5, 0, 0, seed);
    }

    public SyntheticArtifacts withSeed(long s) {
        return new SyntheticArtifacts(models, queries, outcomeEpochs, metaIterations, users, s, qualityMode);
    }

    public SyntheticArtifacts withMetaTraining(int iterations, int nUsers) {
        return new SyntheticArtifacts(models, queries, outcomeEpochs, iterations, nUsers, seed, qualityMode);
    }

    public SyntheticArtifacts withQualityMode(SyntheticBenchmark.QualityMode mode) {
        return new SyntheticArtifacts(models, queries, outcomeEpochs, metaIterations, users, seed, mode);
    }

    /** Trains the model. */
    public MetaRouterModel train() {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(
                SyntheticBenchmark.Config.defaults(seed).withQueries(queries).withModels(models).withQualityMode(qualityMode));
        TrainerConfig cfg = TrainerConfig.defaults().withSeed(seed)
                .withOutcome(OutcomeTrainerConfig.defaults().withEpochs(outcomeEpochs))
                .withIterations(Math.max(1, metaIterations), Math.max(1, Math.min(users, 64)));
        ReferenceTrainer trainer = new ReferenceTrainer(cfg);
        MetaRouterModel initial = trainer.initialModel(data.outcomes(), data.catalog());
        if (metaIterations == 0 || users == 0) return initial;
        ProfileDistribution profiles = new ProfileDistribution(ProfileDistribution.Config.defaults(), data.catalog().costScale(), seed);
        UserSimulator simulator = new UserSimulator(data.outcomes(), data.catalog(), UserSimulator.Config.defaults(), seed);
        Map<String, List<InteractionEvent>> logs = new LinkedHashMap<>();
        for (int i = 0; i < users; i++) {
            SimulatedUser u = profiles.draw(ProfileDistribution.userId(UserSplit.ID, i), UserSplit.ID);
            logs.put(u.userId(), simulator.simulate(u));
        }
        return trainer.metaTrain(initial, trainer.tasks(initial, logs), null).model();
    }

    /** Trains and publishes a new version (not promoted); returns its number. */
    public int publish(ArtifactRegistry registry) throws IOException {
        return publish(registry, train());
    }

    /** Publishes {@code model} as a new version (not promoted); returns its number. */
    public int publish(ArtifactRegistry registry, MetaRouterModel model) throws IOException {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("source", "SyntheticArtifacts");
        config.put("models", models);
        config.put("queries", queries);
        config.put("outcome_epochs", outcomeEpochs);
        config.put("meta_iterations", metaIterations);
        config.put("users", users);
        config.put("seed", seed);
        config.put("quality_mode", qualityMode.name().toLowerCase(Locale.ROOT));
        LocalDate day = LocalDate.of(2025, 1, 1);
        Manifest.TrainingData data = new Manifest.TrainingData(day, day, users, 0);
        return registry.publish(RouterArtifacts.draft(model, data, config, JsonNodeFactory.instance.objectNode()),
                RouterArtifacts.weights(model), Map.of());
    }
}
