package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.learn.ArmOnboarding;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.sim.Seeds;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.train.TrainSettings;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The routers and pool variants of the sweeps (method.md section 5, "robustness" and "scale"):
 * <ul>
 *   <li>{@code drop:<m>}: the artifact with model m removed from the candidates at serving time;</li>
 *   <li>{@code drop_retrained:<m>} (with training logs): a router trained without m
 *       ({@link ReferenceTrainer} in-process on the training logs with every event that mentions m
 *       removed, on the outcome table without m, same trainer settings as the artifact), same
 *       pool; the issue's "compared with a router trained without that model";</li>
 *   <li>{@code onboard:<m>}: m added back with at most {@code probes} probe outcomes through
 *       {@link ArmOnboarding#fromProbes} (query projection frozen). With training logs the base is
 *       the router trained without m, so m is truly unseen; without them the base is the artifact
 *       with m's descriptor discarded and re-fitted from the probes (its query projection saw m's
 *       training outcomes, which makes this an optimistic check of the onboarding step);</li>
 *   <li>{@code size:<s>#<r>}: a seeded random pool of s models per user (replicate r);</li>
 *   <li>{@code retrained_control} (with training logs): the same in-process training on every
 *       model, full pool. If it differs from the artifact, "retrained without m" differs for more
 *       reasons than m, and the drop comparison must be read against this control.</li>
 * </ul>
 */
public final class ModelVariants {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelVariants() {}

    /** Routers (index 0 the artifact), the variants over them, and facts for the report. */
    public record Built(List<MetaRouterModel> routers, List<PoolVariant> variants, Map<String, Object> facts) {}

    public static Built build(MetaRouterModel artifact, OutcomeTable table, ModelCatalog catalog, List<String> arms, EvalSettings settings,
                              boolean noSweeps, List<Integer> poolSizes, int replicates, int probes, double priorStrength,
                              String retrainLogs, TrainerConfig retrainConfig, SparkSession spark, BiConsumer<String, Object[]> progress) {
        List<MetaRouterModel> routers = new ArrayList<>();
        List<PoolVariant> variants = new ArrayList<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        routers.add(artifact);
        int nA = arms.size();
        boolean[] all = new boolean[nA];
        java.util.Arrays.fill(all, true);
        variants.add(new PoolVariant(PoolVariant.MAIN, PoolVariant.MAIN, 0, all, 0, 0, null));
        if (noSweeps) return new Built(routers, variants, facts);

        Map<String, List<InteractionEvent>> events = null;
        if (retrainLogs != null) {
            events = readEvents(spark, retrainLogs);
            facts.put("retrain_users", events.size());
            facts.put("retrain_iterations", retrainConfig.iterations());
            // Control: the same in-process training with every model must give the artifact back,
            // or "retrained without m" would differ from the artifact for more reasons than m.
            MetaRouterModel control = new ReferenceTrainer(retrainConfig).train(table, catalog, events).model();
            facts.put("retrain_control_max_abs_meta_parameter_difference", maxAbsDiff(control.metaParameters().toArray(),
                    artifact.metaParameters().toArray()));
            facts.put("retrain_control_max_abs_projection_difference", maxAbsDiff(control.predictor().projectionTransposed(),
                    artifact.predictor().projectionTransposed()));
            routers.add(control);
            variants.add(new PoolVariant("retrained_control", "control", routers.size() - 1, all, 0, 0, null));
        }
        for (int m = 0; m < nA; m++) {
            String id = arms.get(m);
            boolean[] without = all.clone();
            without[m] = false;
            variants.add(new PoolVariant("drop:" + id, "drop", 0, without, 0, 0, id));
            MetaRouterModel base;
            if (events != null) {
                long t = System.nanoTime();
                base = retrainWithout(id, table, catalog, events, retrainConfig);
                routers.add(base);
                variants.add(new PoolVariant("drop_retrained:" + id, "drop_retrained", routers.size() - 1, without, 0, 0, id));
                progress.accept("retrained a router without %s in %.1f s", new Object[] {id, (System.nanoTime() - t) / 1e9});
            } else {
                base = artifact.withPredictor(artifact.predictor().withoutArm(id));
            }
            MetaRouterModel onboarded = base.withPredictor(base.predictor().withArm(
                    ArmOnboarding.fromProbes(base.predictor(), catalog.get(id), probes(base, table, id, probes, settings.seed()), priorStrength)));
            routers.add(onboarded);
            variants.add(new PoolVariant("onboard:" + id, "onboard", routers.size() - 1, all, 0, 0, id));
        }
        facts.put("onboarding_probes", probes);
        facts.put("onboarding_base", events != null ? "router retrained without the model" : "artifact with the model's descriptor discarded");
        for (int size : poolSizes) {
            if (size >= nA || size < 2) continue;
            for (int r = 0; r < replicates; r++) {
                variants.add(new PoolVariant("size:" + size + "#" + r, "size", 0, null, size, r, null));
            }
        }
        return new Built(routers, variants, facts);
    }

    /** Up to n seeded train-split probe outcomes of model {@code id}, featurised by the base router. */
    static List<ArmOnboarding.Probe> probes(MetaRouterModel base, OutcomeTable table, String id, int n, long seed) {
        int col = table.modelIndex(id);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < table.numQueries(); i++) {
            if (table.has(i, col) && table.query(i).split().equals("train")) rows.add(i);
        }
        SplittableRandom rng = Seeds.random(seed, "probes", id);
        for (int i = rows.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = rows.get(i);
            rows.set(i, rows.get(j));
            rows.set(j, t);
        }
        List<ArmOnboarding.Probe> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, rows.size()); i++) {
            int row = rows.get(i);
            out.add(new ArmOnboarding.Probe(base.featurize(table.query(row).prompt()), table.quality(row, col), table.cost(row, col)));
        }
        return out;
    }

    /** A router trained as the artifact was, but never seeing model {@code id}. */
    static MetaRouterModel retrainWithout(String id, OutcomeTable table, ModelCatalog catalog, Map<String, List<InteractionEvent>> events,
                                          TrainerConfig config) {
        List<String> keep = new ArrayList<>(table.models());
        keep.remove(id);
        List<ModelInfo> infos = new ArrayList<>();
        for (ModelInfo m : catalog.models()) if (!m.id().equals(id)) infos.add(m);
        Map<String, List<InteractionEvent>> filtered = new TreeMap<>();
        for (Map.Entry<String, List<InteractionEvent>> e : events.entrySet()) {
            List<InteractionEvent> kept = new ArrayList<>();
            for (InteractionEvent ev : e.getValue()) if (!mentions(ev, id)) kept.add(ev);
            if (!kept.isEmpty()) filtered.put(e.getKey(), kept);
        }
        return new ReferenceTrainer(config).train(table.withModels(keep), new ModelCatalog(catalog.source(), infos), filtered).model();
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) return Double.POSITIVE_INFINITY;
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static boolean mentions(InteractionEvent e, String id) {
        return id.equals(e.model()) || id.equals(e.modelA()) || id.equals(e.modelB()) || (e.candidates() != null && e.candidates().contains(id));
    }

    static Map<String, List<InteractionEvent>> readEvents(SparkSession spark, String uri) {
        Map<String, List<InteractionEvent>> byUser = new TreeMap<>();
        for (Row r : InteractionLogs.read(spark, uri).collectAsList()) {
            InteractionEvent e = InteractionEventRows.fromRow(r);
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        return byUser;
    }

    /** The artifact's training configuration as a map (empty when the manifest has none). */
    static Map<String, Object> toMap(ObjectNode node) {
        if (node == null) return Map.of();
        return JSON.convertValue(node, new TypeReference<Map<String, Object>>() {});
    }

    /**
     * The trainer settings the artifact was trained with (the train command's manifest form; keys
     * with null values, such as {@code warm_start_version}, are not settings), or the defaults when
     * the manifest has none.
     *
     * @throws IllegalArgumentException when the manifest has settings this build cannot read
     */
    static TrainerConfig trainerConfig(Map<String, Object> trainingConfig) {
        if (trainingConfig.isEmpty()) return TrainerConfig.defaults();
        Map<String, Object> settings = new LinkedHashMap<>(trainingConfig);
        settings.values().removeIf(v -> v == null);
        return TrainSettings.fromMap(settings).trainer();
    }
}
