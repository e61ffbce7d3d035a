package ai.metarouter.core.serve.reload;

import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.UserState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A verified artifact version, ready to route with. Immutable; the watcher swaps whole instances.
 *
 * @param version the artifact version N
 * @param fingerprint identity of the weights (SHA-256 of {@code weights.mrt}): a user state adapted
 *        under another fingerprint was adapted by another model and must be re-adapted, even if the
 *        version number is the same (a registry rebuilt from scratch reuses numbers)
 * @param model the router
 * @param catalog the manifest's catalog, in arm order (prices for {@code /v1/models})
 * @param loadedAt when this process verified it
 */
public record ServingVersion(int version, String fingerprint, MetaRouterModel model, List<Manifest.ModelEntry> catalog,
                             Instant loadedAt, Map<String, Integer> armIndex, List<String> armIds) {

    public ServingVersion {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(model, "model");
        catalog = List.copyOf(catalog);
        armIndex = Map.copyOf(armIndex);
        armIds = List.copyOf(armIds);
    }

    /** Builds the lookup tables from the model's arms. */
    public static ServingVersion of(int version, String fingerprint, MetaRouterModel model, List<Manifest.ModelEntry> catalog,
                                    Instant loadedAt) {
        List<String> ids = model.predictor().armIds();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) index.put(ids.get(i), i);
        return new ServingVersion(version, fingerprint, model, catalog, loadedAt, index, ids);
    }

    /** Arm index of a model id, or -1 when this version does not know it. */
    public int armIndex(String modelId) {
        Integer i = armIndex.get(modelId);
        return i == null ? -1 : i;
    }

    /** The state of a user with no feedback: the population prior. */
    public UserState prior() {
        return model.prior();
    }
}
