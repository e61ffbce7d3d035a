package ai.metarouter.core.model;

import ai.metarouter.core.artifact.ArtifactFormatException;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.artifact.ManifestDraft;
import ai.metarouter.core.artifact.Tensor;
import ai.metarouter.core.artifact.TensorBundle;
import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.featurize.FeatureSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one mapping between a {@link MetaRouterModel} and an artifact version: the trainer writes
 * with it, serving and evaluation read with it, so what is served is what was trained.
 * <ul>
 *   <li>{@code weights.mrt} ({@link #weights}): every parameter block of {@link MetaRouterModel#toBlocks()}
 *       as a tensor of the same name and shape, plus two metadata entries:
 *       {@value #MODEL_FORMAT_KEY} (= {@value #MODEL_FORMAT}) and {@value #MODEL_KEY}, a JSON object
 *       with what the blocks alone do not say: {@link MetaRouterModel#describe()} (feature spec,
 *       utility basis, model config, cost scale, arm ids in block row order, dimensions) plus
 *       {@code arm_queries} (each arm's catalog query count);</li>
 *   <li>the manifest ({@link #draft}): the feature spec ({@link FeatureSpec#toMap()}) and the
 *       catalog, one entry per arm in block row order (prices and mean cost).</li>
 * </ul>
 * Reading ({@link #load}, {@link #fromParts}) checks that the manifest and the weights agree (same
 * feature spec, same arms in the same order) and fails with {@link ArtifactFormatException} naming
 * the disagreement. Doubles travel through JSON in Java's shortest round-trip form, so a loaded
 * model is bit-identical to the one written.
 */
public final class RouterArtifacts {
    /** Bundle metadata key of the model description (a JSON object). */
    public static final String MODEL_KEY = "metarouter.model";
    /** Bundle metadata key of the model mapping's version. */
    public static final String MODEL_FORMAT_KEY = "metarouter.model_format";
    /** The model mapping this code writes and reads. */
    public static final int MODEL_FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RouterArtifacts() {}

    /** The weights bundle of {@code model}. */
    public static TensorBundle weights(MetaRouterModel model) {
        TensorBundle.Builder b = TensorBundle.builder();
        for (NamedTensor t : model.toBlocks().values()) b.put(t.name(), Tensor.of(t.shape(), t.values()));
        b.putMetadata(MODEL_FORMAT_KEY, Integer.toString(MODEL_FORMAT));
        b.putMetadata(MODEL_KEY, toJson(description(model)));
        return b.build();
    }

    /** The manifest's feature spec of {@code model}. */
    public static ObjectNode featureSpec(MetaRouterModel model) {
        return JSON.valueToTree(model.featureSpec().toMap());
    }

    /** The manifest's catalog of {@code model}: its arms, in block row order. */
    public static List<Manifest.ModelEntry> catalog(MetaRouterModel model) {
        List<Manifest.ModelEntry> out = new ArrayList<>();
        for (ArmDescriptor arm : model.predictor().arms()) {
            ModelInfo m = arm.info();
            out.add(new Manifest.ModelEntry(m.id(), m.inputPrice(), m.outputPrice(), m.meanCostUsd()));
        }
        return out;
    }

    /** The manifest draft of a trained {@code model}. */
    public static ManifestDraft draft(MetaRouterModel model, Manifest.TrainingData trainingData, ObjectNode trainingConfig,
                                      ObjectNode metrics) {
        return new ManifestDraft(featureSpec(model), catalog(model), trainingData, trainingConfig, metrics);
    }

    /** The model of a loaded (verified) version. */
    public static MetaRouterModel load(LoadedArtifact artifact) {
        try {
            Manifest m = artifact.manifest();
            return fromParts(m.featureSpec(), m.catalog(), artifact.weights());
        } catch (ArtifactFormatException e) {
            throw new ArtifactFormatException(artifact.registry() + " v" + artifact.version() + ": " + e.getMessage(), e);
        }
    }

    /** The model from a manifest's feature spec and catalog and the weights bundle. */
    public static MetaRouterModel fromParts(ObjectNode featureSpecJson, List<Manifest.ModelEntry> catalog, TensorBundle weights) {
        String format = weights.metadata(MODEL_FORMAT_KEY).orElseThrow(() ->
                new ArtifactFormatException("weights have no '" + MODEL_FORMAT_KEY + "' metadata: not a MetaRouter model"));
        if (!format.equals(Integer.toString(MODEL_FORMAT))) {
            throw new ArtifactFormatException("model format " + format + " is not supported (this build reads " + MODEL_FORMAT + ")");
        }
        Map<String, Object> desc = fromJson(weights.metadata(MODEL_KEY).orElseThrow(() ->
                new ArtifactFormatException("weights have no '" + MODEL_KEY + "' metadata")));
        try {
            FeatureSpec spec = FeatureSpec.fromMap(JSON.convertValue(featureSpecJson, new TypeReference<Map<String, Object>>() {}));
            FeatureSpec described = FeatureSpec.fromMap(map(desc, "feature_spec"));
            if (!spec.equals(described)) {
                throw new ArtifactFormatException("manifest feature spec " + spec + " differs from the weights' " + described);
            }
            List<String> arms = stringList(desc, "arms");
            List<Number> queries = numberList(desc, "arm_queries");
            List<String> catalogIds = catalog.stream().map(Manifest.ModelEntry::id).toList();
            if (!arms.equals(catalogIds)) {
                throw new ArtifactFormatException("manifest catalog " + catalogIds + " differs from the weights' arms " + arms);
            }
            if (queries.size() != arms.size()) throw new ArtifactFormatException("arm_queries has " + queries.size() + " entries for " + arms.size() + " arms");
            List<ModelInfo> infos = new ArrayList<>(arms.size());
            for (int i = 0; i < arms.size(); i++) {
                Manifest.ModelEntry e = catalog.get(i);
                infos.add(new ModelInfo(e.id(), e.inputPrice(), e.outputPrice(), e.meanCostUsd(), queries.get(i).longValue()));
            }
            Map<String, Object> cs = map(desc, "cost_scale");
            CostScale costScale = new CostScale(number(cs, "ln_lo").doubleValue(), number(cs, "ln_hi").doubleValue());
            UtilityBasis basis = UtilityBasis.fromMap(map(desc, "utility_basis"));
            ModelConfig config = ModelConfig.fromMap(map(desc, "model_config"));
            Map<String, NamedTensor> blocks = new LinkedHashMap<>();
            weights.tensors().forEach((name, t) -> blocks.put(name, NamedTensor.of(name, t.shape(), t.data())));
            return MetaRouterModel.fromBlocks(blocks, spec, infos, costScale, basis, config);
        } catch (ArtifactFormatException e) {
            throw e;
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ArtifactFormatException("not a valid MetaRouter model: " + e.getMessage(), e);
        }
    }

    /** The JSON object stored under {@link #MODEL_KEY}. */
    static Map<String, Object> description(MetaRouterModel model) {
        Map<String, Object> d = new LinkedHashMap<>(model.describe());
        List<Long> queries = new ArrayList<>();
        for (ArmDescriptor arm : model.predictor().arms()) queries.add(arm.info().queries());
        d.put("arm_queries", queries);
        return d;
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the model description", e);
        }
    }

    private static Map<String, Object> fromJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new ArtifactFormatException("'" + MODEL_KEY + "' metadata is not a JSON object: " + e.getOriginalMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> v)) throw new ArtifactFormatException("model description: '" + key + "' must be an object");
        return (Map<String, Object>) v;
    }

    private static List<String> stringList(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) throw new ArtifactFormatException("model description: '" + key + "' must be a list");
        List<String> out = new ArrayList<>(l.size());
        for (Object o : l) out.add(String.valueOf(Objects.requireNonNull(o, key + " has a null entry")));
        return out;
    }

    private static List<Number> numberList(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) throw new ArtifactFormatException("model description: '" + key + "' must be a list");
        List<Number> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (!(o instanceof Number n)) throw new ArtifactFormatException("model description: '" + key + "' has a non-number " + o);
            out.add(n);
        }
        return out;
    }

    private static Number number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new ArtifactFormatException("model description: '" + key + "' must be a number");
        return n;
    }
}
