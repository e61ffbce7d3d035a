package ai.metarouter.core.artifact;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The part of a {@link Manifest} a publisher supplies. The registry adds the rest when it
 * publishes: format version, the claimed version number, the creation time and the file list
 * with checksums, so a publisher cannot get those wrong.
 *
 * @param featureSpec how queries were featurised (free-form JSON object, owned by the featuriser)
 * @param catalog the models the weights score, in the order the model code expects
 * @param trainingData the log slice trained on
 * @param trainingConfig optimiser, iterations, seeds... (free-form JSON object)
 * @param metrics training/evaluation metrics known at publish time (free-form JSON object)
 */
public record ManifestDraft(
        ObjectNode featureSpec,
        List<Manifest.ModelEntry> catalog,
        Manifest.TrainingData trainingData,
        ObjectNode trainingConfig,
        ObjectNode metrics) {

    public ManifestDraft {
        featureSpec = Objects.requireNonNull(featureSpec, "featureSpec").deepCopy();
        catalog = List.copyOf(catalog);
        Objects.requireNonNull(trainingData, "trainingData");
        trainingConfig = Objects.requireNonNull(trainingConfig, "trainingConfig").deepCopy();
        metrics = Objects.requireNonNull(metrics, "metrics").deepCopy();
    }

    /** A draft with empty training config and metrics, for callers that have none. */
    public static ManifestDraft of(ObjectNode featureSpec, List<Manifest.ModelEntry> catalog,
                                   Manifest.TrainingData trainingData) {
        return new ManifestDraft(featureSpec, catalog, trainingData,
                JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode());
    }

    @Override
    public ObjectNode featureSpec() {
        return featureSpec.deepCopy();
    }

    @Override
    public ObjectNode trainingConfig() {
        return trainingConfig.deepCopy();
    }

    @Override
    public ObjectNode metrics() {
        return metrics.deepCopy();
    }
}
