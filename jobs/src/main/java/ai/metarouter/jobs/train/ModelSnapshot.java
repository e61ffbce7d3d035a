package ai.metarouter.jobs.train;

import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.artifact.TensorBundleCodec;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;

/**
 * A {@link MetaRouterModel} in its artifact form (weights bundle bytes, feature spec and catalog
 * as JSON), so that it can be broadcast: executors need the frozen outcome predictor, featuriser,
 * cost scale and basis to build user tasks. The model is decoded once per executor JVM (the
 * broadcast value is shared by its tasks) and is bit-identical to the driver's.
 */
public final class ModelSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] weights;
    private final String featureSpecJson;
    private final String catalogJson;
    private transient volatile MetaRouterModel model;

    private ModelSnapshot(byte[] weights, String featureSpecJson, String catalogJson) {
        this.weights = weights;
        this.featureSpecJson = featureSpecJson;
        this.catalogJson = catalogJson;
    }

    public static ModelSnapshot of(MetaRouterModel model) {
        try {
            return new ModelSnapshot(TensorBundleCodec.encode(RouterArtifacts.weights(model)),
                    JSON.writeValueAsString(RouterArtifacts.featureSpec(model)), JSON.writeValueAsString(RouterArtifacts.catalog(model)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot snapshot the model", e);
        }
    }

    /** The model (decoded on first use in this JVM). */
    public MetaRouterModel model() {
        MetaRouterModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = decode();
                    model = m;
                }
            }
        }
        return m;
    }

    /** Size of the broadcast payload in bytes. */
    public long bytes() {
        return weights.length + 2L * (featureSpecJson.length() + catalogJson.length());
    }

    private MetaRouterModel decode() {
        try {
            ObjectNode spec = (ObjectNode) JSON.readTree(featureSpecJson);
            List<Manifest.ModelEntry> catalog = JSON.readValue(catalogJson, new TypeReference<List<Manifest.ModelEntry>>() {});
            return RouterArtifacts.fromParts(spec, catalog, TensorBundleCodec.decode(weights, "broadcast model"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot decode the broadcast model: " + e.getOriginalMessage(), e);
        }
    }
}
