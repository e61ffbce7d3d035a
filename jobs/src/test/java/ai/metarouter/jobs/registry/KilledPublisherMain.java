package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.serve.bench.SyntheticArtifacts;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;

/**
 * Test-only child process: trains a small real model and publishes it the way {@code train}
 * does (weights plus a training log, through {@link ArtifactRegistry#publish}) to the registry
 * given as the first argument, with the seed given as the second. {@link HdfsRegistryIT} gives it
 * a {@code stall+hdfs:} registry ({@link StallingStoreProvider}) and kills it mid-publish.
 */
public final class KilledPublisherMain {
    private KilledPublisherMain() {}

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[1]);
        MetaRouterModel model = SyntheticArtifacts.small(seed).train();
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("seed", seed);
        ObjectNode metrics = JsonNodeFactory.instance.objectNode().put("final_loss", 0.5);
        LocalDate day = LocalDate.of(2025, 1, 1);
        try (ArtifactRegistry registry = ArtifactRegistry.open(args[0])) {
            int version = registry.publish(RouterArtifacts.draft(model, new Manifest.TrainingData(day, day, 0, 0), config, metrics),
                    RouterArtifacts.weights(model),
                    Map.of(ArtifactLayout.TRAINING_LOG_FILE, "{\"iterations\":[]}\n".getBytes(StandardCharsets.UTF_8)));
            System.out.println("PUBLISHED " + version);
        }
    }
}
