package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.model.ArmDescriptor;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.NamedTensor;
import ai.metarouter.core.model.UtilityBasis;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MetaRouterModel} in a form Java serialisation can ship to executors: its weight blocks,
 * its {@link MetaRouterModel#describe()} as JSON and its arms' catalog entries. Rebuilt with the
 * model's own {@link MetaRouterModel#fromBlocks}, so executors adapt users with exactly the code
 * serving runs (no re-implementation of the encoder or the inner loop here).
 */
public record ModelPayload(List<Block> blocks, String descriptionJson, List<Arm> arms) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One weight block. */
    public record Block(String name, int[] shape, double[] values) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** One arm's catalog entry. */
    public record Arm(String id, Double inputPrice, Double outputPrice, double meanCostUsd, long queries) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public static ModelPayload of(MetaRouterModel model) {
        List<Block> blocks = new ArrayList<>();
        for (NamedTensor t : model.toBlocks().values()) blocks.add(new Block(t.name(), t.shape(), t.values()));
        List<Arm> arms = new ArrayList<>();
        for (ArmDescriptor a : model.predictor().arms()) {
            ModelInfo m = a.info();
            arms.add(new Arm(m.id(), m.inputPrice(), m.outputPrice(), m.meanCostUsd(), m.queries()));
        }
        try {
            return new ModelPayload(blocks, JSON.writeValueAsString(model.describe()), arms);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot describe the model", e);
        }
    }

    /** The model again (bit-identical weights). */
    @SuppressWarnings("unchecked")
    public MetaRouterModel toModel() {
        Map<String, Object> d;
        try {
            d = JSON.readValue(descriptionJson, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model description is not JSON", e);
        }
        Map<String, NamedTensor> named = new LinkedHashMap<>();
        for (Block b : blocks) named.put(b.name(), NamedTensor.of(b.name(), b.shape(), b.values()));
        List<ModelInfo> infos = new ArrayList<>();
        for (Arm a : arms) infos.add(new ModelInfo(a.id(), a.inputPrice(), a.outputPrice(), a.meanCostUsd(), a.queries()));
        Map<String, Object> cs = (Map<String, Object>) d.get("cost_scale");
        return MetaRouterModel.fromBlocks(named, FeatureSpec.fromMap((Map<String, Object>) d.get("feature_spec")), infos,
                new CostScale(((Number) cs.get("ln_lo")).doubleValue(), ((Number) cs.get("ln_hi")).doubleValue()),
                UtilityBasis.fromMap((Map<String, Object>) d.get("utility_basis")),
                ModelConfig.fromMap((Map<String, Object>) d.get("model_config")));
    }
}
