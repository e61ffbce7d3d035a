package ai.metarouter.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.json} exactly per contract.md: {@code artifact_version}, and {@code policies ->
 * split -> k -> {utility, quality, cost_usd, pgc, oracle_share}} for the ten contract policies,
 * splits {@code id} and {@code ood}, k as a string. Every cell also carries its standard errors and
 * user count under extra keys; further keys hold the ablations and Thompson sampling
 * ({@code ablations}, same shape), the PGC denominators, OOD families, pool sweeps, off-policy
 * evaluation, the outcome predictor's quality and the settings. Non-finite numbers are written as
 * null (JSON has no NaN).
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final List<String> SPLITS = List.of("id", "ood");

    private MetricsJson() {}

    public static String write(EvaluationResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("artifact_version", r.artifactVersion());
        ObjectNode policies = root.putObject("policies");
        for (Policy p : Policy.CONTRACT) policies.set(p.wireName(), policyNode(r, 0, p, SPLITS));
        ObjectNode ablations = root.putObject("ablations");
        for (Policy p : Policy.values()) {
            if (!Policy.CONTRACT.contains(p)) ablations.set(p.wireName(), policyNode(r, 0, p, SPLITS));
        }
        ObjectNode denominators = root.putObject("pgc_denominators");
        for (String split : SPLITS) {
            Aggregation.Cell c = r.cell(0, Policy.KNOWN_PREFERENCE, r.settings().ks()[0], split);
            Aggregation.Cell pop = r.cell(0, Policy.POPULATION, r.settings().ks()[0], split);
            if (c == null) continue;
            ObjectNode d = denominators.putObject(split);
            num(d, "known_minus_population", c.gap());
            num(d, "known_minus_population_se", c.gapSe());
            num(d, "known_preference_utility", c.utility());
            num(d, "population_utility", pop.utility());
            d.put("users", c.n());
        }
        if (r.equalQuality() != null) {
            EqualQualityCost.Report eq = r.equalQuality();
            ObjectNode equal = root.putObject("cost_at_equal_quality");
            equal.put("k", eq.k());
            equal.put("reference", "per user: the cheapest mix of single models with that user's mean quality");
            for (Policy p : ReportWriter.EQUAL_QUALITY_POLICIES) {
                ObjectNode pn = equal.putObject(p.wireName());
                for (String split : SPLITS) {
                    EqualQualityCost.Saving sv = eq.saving(p, split);
                    if (sv == null) continue;
                    ObjectNode sn = pn.putObject(split);
                    sn.put("users", sv.users());
                    sn.put("beyond_frontier", sv.beyondFrontier());
                    num(sn, "cost_usd", sv.costUsd());
                    num(sn, "frontier_cost_usd", sv.frontierCostUsd());
                    num(sn, "saving", sv.saving());
                    num(sn, "saving_se", sv.savingSe());
                }
            }
        }
        ObjectNode families = root.putObject("ood_families");
        for (String f : r.oodFamilies()) {
            ObjectNode fam = families.putObject(f);
            for (Policy p : Policy.values()) {
                ObjectNode pn = fam.putObject(p.wireName());
                for (int k : r.settings().ks()) {
                    Aggregation.Cell c = r.cell(0, p, k, "ood:" + f);
                    if (c != null) cell(pn.putObject(Integer.toString(k)), c);
                }
            }
        }
        ObjectNode sweeps = root.putObject("sweeps");
        sweeps.put("k", r.settings().sweepK());
        for (int v = 1; v < r.variants().size(); v++) {
            PoolVariant pv = r.variants().get(v);
            ObjectNode g = sweeps.has(pv.group()) ? (ObjectNode) sweeps.get(pv.group()) : sweeps.putObject(pv.group());
            ObjectNode vn = g.putObject(pv.name());
            if (pv.subject() != null) vn.put("model", pv.subject());
            if (pv.randomSize() > 0) vn.put("pool_size", pv.randomSize());
            for (Policy p : Policy.SWEEP) vn.set(p.wireName(), policyNode(r, v, p, SPLITS));
        }
        if (r.offPolicy() != null) {
            OffPolicyReport o = r.offPolicy();
            ObjectNode op = root.putObject("off_policy");
            op.put("route_events", o.events());
            op.put("users", o.users());
            op.put("skipped", o.skipped());
            op.put("logging_policies", o.loggingPolicies());
            estimate(op.putObject("truth"), o.truth(), Double.NaN);
            estimate(op.putObject("logging_policy_value"), o.logged(), Double.NaN);
            ObjectNode est = op.putObject("estimates");
            for (Map.Entry<String, OffPolicyEstimators.Estimate> e : o.estimates().entrySet()) {
                estimate(est.putObject(e.getKey()), e.getValue(), o.truth().value());
            }
        }
        var comparisons = root.putArray("paired_comparisons");
        for (Aggregation.Comparison c : r.comparisons()) {
            ObjectNode n = comparisons.addObject();
            n.put("what", c.what());
            n.put("split", c.split());
            n.put("k", c.k());
            n.put("users", c.users());
            num(n, "difference", c.difference());
            num(n, "se", c.se());
            num(n, "relative", c.relative());
            num(n, "relative_se", c.relativeSe());
        }
        root.set("facts", JSON.valueToTree(r.facts()));
        ObjectNode s = root.putObject("settings");
        s.set("ks", JSON.valueToTree(r.settings().ks()));
        s.put("sweep_k", r.settings().sweepK());
        s.put("seed", r.settings().seed());
        s.put("linucb_alpha", r.settings().ucbAlpha());
        s.put("bandit_ridge", r.settings().ridge());
        s.put("thompson_scale", r.settings().thompsonScale());
        s.set("arms", JSON.valueToTree(r.arms()));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write metrics.json", e);
        }
    }

    private static ObjectNode policyNode(EvaluationResult r, int variant, Policy p, List<String> groups) {
        ObjectNode pn = JSON.createObjectNode();
        int[] ks = r.variants().get(variant).isMain() ? r.settings().ks() : new int[] {r.settings().sweepK()};
        for (String split : groups) {
            ObjectNode sn = JSON.createObjectNode();
            for (int k : ks) {
                Aggregation.Cell c = r.cell(variant, p, k, split);
                if (c != null) cell(sn.putObject(Integer.toString(k)), c);
            }
            if (sn.size() > 0) pn.set(split, sn);
        }
        return pn;
    }

    static void cell(ObjectNode n, Aggregation.Cell c) {
        num(n, "utility", c.utility());
        num(n, "quality", c.quality());
        num(n, "cost_usd", c.costUsd());
        num(n, "pgc", c.pgc());
        num(n, "oracle_share", c.oracleShare());
        num(n, "utility_se", c.utilitySe());
        num(n, "quality_se", c.qualitySe());
        num(n, "cost_usd_se", c.costSe());
        num(n, "pgc_se", c.pgcSe());
        num(n, "pgc_bootstrap_se", c.pgcBootstrapSe());
        num(n, "oracle_share_se", c.oracleShareSe());
        n.put("users", c.n());
    }

    private static void estimate(ObjectNode n, OffPolicyEstimators.Estimate e, double truth) {
        num(n, "value", e.value());
        num(n, "se", e.se());
        if (!Double.isNaN(truth)) {
            num(n, "error", e.value() - truth);
            num(n, "z", (e.value() - truth) / e.se());
        }
    }

    static void num(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }
}
