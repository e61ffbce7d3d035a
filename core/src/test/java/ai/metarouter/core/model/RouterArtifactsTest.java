package ai.metarouter.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactFormatException;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.artifact.Tensor;
import ai.metarouter.core.artifact.TensorBundle;
import ai.metarouter.core.bandit.Softmax;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.learn.OutcomeTrainerConfig;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.sim.SyntheticBenchmark;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model -> registry version -> model: every part round-trips bit for bit, and mismatches are refused. */
class RouterArtifactsTest {
    private static MetaRouterModel model;

    @BeforeAll
    static void train() {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(9).withQueries(150).withModels(4));
        TrainerConfig cfg = TrainerConfig.defaults()
                .withOutcome(OutcomeTrainerConfig.defaults().withEpochs(2).withRank(3))
                .withModel(new ModelConfig(3, 0.5, 0.2, false));
        MetaRouterModel initial = new ReferenceTrainer(cfg).initialModel(data.outcomes(), data.catalog());
        // Perturb the meta-parameters so that nothing is at its initial value.
        double[] p = initial.metaParameters().toArray();
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < p.length; i++) p[i] += 0.01 * rng.nextDouble(-1, 1);
        model = initial.withMetaParameters(MetaParameters.of(initial.metaParameters().dims(), p));
    }

    private static Manifest.TrainingData data() {
        return new Manifest.TrainingData(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 7), 10, 300);
    }

    @Test
    void aPublishedVersionLoadsIntoTheSameModel(@TempDir Path dir) throws Exception {
        ObjectNode metrics = JsonNodeFactory.instance.objectNode().put("final_loss", -0.25);
        int version;
        LoadedArtifact loaded;
        try (ArtifactRegistry registry = ArtifactRegistry.open(dir.toString())) {
            version = registry.publish(RouterArtifacts.draft(model, data(), JsonNodeFactory.instance.objectNode(), metrics),
                    RouterArtifacts.weights(model), Map.of());
            loaded = registry.load(version);
        }
        MetaRouterModel back = RouterArtifacts.load(loaded);

        assertEquals(model.featureSpec(), back.featureSpec());
        assertEquals(model.basis(), back.basis());
        assertEquals(model.config(), back.config());
        assertEquals(model.costScale(), back.costScale());
        assertEquals(model.metaParameters(), back.metaParameters());
        assertEquals(model.predictor().armIds(), back.predictor().armIds());
        assertEquals(model.describe(), back.describe());
        Map<String, NamedTensor> a = model.toBlocks();
        Map<String, NamedTensor> b = back.toBlocks();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertEquals(a.get(k), b.get(k), k);
        for (int i = 0; i < model.predictor().numArms(); i++) {
            assertEquals(model.predictor().arms().get(i).info(), back.predictor().arms().get(i).info());
        }
        assertEquals(-0.25, loaded.manifest().metrics().get("final_loss").asDouble());
        assertEquals(model.featureSpec().dim(), loaded.manifest().featureSpec().get("dim").asInt());

        // The same decisions.
        List<String> arms = model.predictor().armIds();
        List<Feedback> ctx = List.of(new Feedback.Pairwise("sort a list", new Outcome(arms.get(0), 0.7, 1e-5),
                new Outcome(arms.get(1), 0.9, 1e-3), true));
        UserState u1 = model.adapt(ctx);
        UserState u2 = back.adapt(ctx);
        assertArrayEquals(u1.theta(), u2.theta(), 0.0);
        String q = "prove that there are infinitely many primes";
        assertArrayEquals(model.scores(model.featurize(q), arms, u1), back.scores(back.featurize(q), arms, u2), 0.0);
        assertEquals(model.route(q, arms, u1, new Softmax(0.1, 0.01), 5L), back.route(q, arms, u2, new Softmax(0.1, 0.01), 5L));
    }

    @Test
    void disagreementsBetweenManifestAndWeightsAreRefused() {
        TensorBundle weights = RouterArtifacts.weights(model);
        List<Manifest.ModelEntry> catalog = RouterArtifacts.catalog(model);
        ObjectNode spec = RouterArtifacts.featureSpec(model);

        ObjectNode otherSpec = spec.deepCopy().put("dim", model.featureSpec().dim() * 2);
        ArtifactFormatException e1 = assertThrows(ArtifactFormatException.class, () -> RouterArtifacts.fromParts(otherSpec, catalog, weights));
        assertTrue(e1.getMessage().contains("feature spec"), e1.getMessage());

        List<Manifest.ModelEntry> reversed = new java.util.ArrayList<>(catalog);
        java.util.Collections.reverse(reversed);
        ArtifactFormatException e2 = assertThrows(ArtifactFormatException.class, () -> RouterArtifacts.fromParts(spec, reversed, weights));
        assertTrue(e2.getMessage().contains("catalog"), e2.getMessage());

        TensorBundle.Builder noMeta = TensorBundle.builder();
        for (Map.Entry<String, Tensor> t : weights.tensors().entrySet()) noMeta.put(t.getKey(), t.getValue());
        ArtifactFormatException e3 = assertThrows(ArtifactFormatException.class, () -> RouterArtifacts.fromParts(spec, catalog, noMeta.build()));
        assertTrue(e3.getMessage().contains(RouterArtifacts.MODEL_FORMAT_KEY), e3.getMessage());

        TensorBundle.Builder missingBlock = TensorBundle.builder();
        weights.tensors().forEach((k, v) -> {
            if (!k.equals(MetaBlock.THETA0.blockName())) missingBlock.put(k, v);
        });
        weights.metadata().forEach(missingBlock::putMetadata);
        ArtifactFormatException e4 = assertThrows(ArtifactFormatException.class, () -> RouterArtifacts.fromParts(spec, catalog, missingBlock.build()));
        assertTrue(e4.getMessage().contains("meta.theta0"), e4.getMessage());
    }

    @Test
    void catalogEntriesFollowTheArmRows() {
        List<Manifest.ModelEntry> catalog = RouterArtifacts.catalog(model);
        assertEquals(model.predictor().armIds(), catalog.stream().map(Manifest.ModelEntry::id).toList());
        ModelInfo first = model.predictor().arms().get(0).info();
        assertEquals(first.meanCostUsd(), catalog.get(0).meanCostUsd());
        assertEquals(FeatureSpec.TYPE, RouterArtifacts.featureSpec(model).get("type").asText());
    }
}
