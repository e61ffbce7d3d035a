package ai.metarouter.jobs.evaluate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.md} (tables and the PNG plots beside it) and the compact headline table printed at
 * the end of the job. Every number comes from the {@link EvaluationResult}; the text only says what
 * each number is.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** The headline k: 6 when evaluated (method.md's "about 6 feedback contexts"), else the sweep k when evaluated, else the largest k. */
    public static int headlineK(EvalSettings s) {
        for (int k : s.ks()) if (k == 6) return 6;
        for (int k : s.ks()) if (k == s.sweepK()) return k;
        return s.ks()[s.ks().length - 1];
    }

    /** Policy x {ID, OOD}: utility (SE) and PGC (SE) at the headline k. */
    public static String headline(EvaluationResult r) {
        int k = headlineK(r.settings());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-30s | %-18s %-16s | %-18s %-16s%n", "policy (k=" + k + ")", "ID utility", "ID PGC",
                "OOD utility", "OOD PGC"));
        sb.append("-".repeat(106)).append('\n');
        for (Policy p : Policy.values()) {
            sb.append(String.format(Locale.ROOT, "%-30s |", p.wireName()));
            for (String split : MetricsJson.SPLITS) {
                Aggregation.Cell c = r.cell(0, p, k, split);
                if (c == null) {
                    sb.append(String.format(Locale.ROOT, " %-18s %-16s |", "-", "-"));
                    continue;
                }
                sb.append(String.format(Locale.ROOT, " %-18s %-16s |", pm(c.utility(), c.utilitySe(), 4), pm(c.pgc(), c.pgcSe(), 3)));
            }
            sb.setLength(sb.length() - 1);
            sb.append('\n');
        }
        for (String split : MetricsJson.SPLITS) {
            Aggregation.Cell c = r.cell(0, Policy.KNOWN_PREFERENCE, k, split);
            if (c != null) {
                sb.append(String.format(Locale.ROOT, "PGC denominator %s: U_known - U_population = %s over %d users%s%n", split.toUpperCase(),
                        pm(c.gap(), c.gapSe(), 4), c.n(), c.gap() > 2 * c.gapSe() ? ""
                                : " (NOT above 2 SE: personalisation has no measurable gap to close here, so this split's PGC means nothing; "
                                + "compare utilities)"));
            }
        }
        return sb.toString();
    }

    public static String markdown(EvaluationResult r, List<String> plots) {
        int hk = headlineK(r.settings());
        int[] ks = r.settings().ks();
        StringBuilder md = new StringBuilder();
        md.append("# MetaRouter evaluation: artifact v").append(r.artifactVersion()).append("\n\n");
        md.append("Held-out simulated users (never training users) from the in-distribution (ID) profile family and from every ")
                .append("out-of-distribution (OOD) family; each user gets k pairwise feedback contexts on train-split queries (nested: ")
                .append("the first k of the same ").append(r.settings().kMax()).append(") and is scored on every test-split query ")
                .append("with the true outcome table. All policies see the same users, queries and contexts. Every figure is a mean ")
                .append("over users with its standard error (SE); PGC = (U_policy - U_population) / (U_known_preference - U_population).\n\n");
        md.append("## Facts\n\n| fact | value |\n| --- | --- |\n");
        for (Map.Entry<String, Object> e : r.facts().entrySet()) md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        md.append("\n## Headline (k = ").append(hk).append(")\n\n```\n").append(headline(r)).append("```\n\n");
        md.append(targets(r));

        for (String split : MetricsJson.SPLITS) {
            md.append("## ").append(split.toUpperCase()).append(" users: utility by k (mean +- SE)\n\n");
            md.append(table(r, split, ks, c -> pm(c.utility(), c.utilitySe(), 4)));
            md.append("\n### ").append(split.toUpperCase()).append(": PGC by k (delta-method SE; bootstrap SE in metrics.json)\n\n");
            md.append(table(r, split, ks, c -> pm(c.pgc(), c.pgcSe(), 3)));
            md.append("\n### ").append(split.toUpperCase()).append(": quality / cost (USD) / oracle share at k = ").append(hk).append("\n\n");
            md.append("| policy | quality | cost_usd | oracle_share |\n| --- | --- | --- | --- |\n");
            for (Policy p : Policy.values()) {
                Aggregation.Cell c = r.cell(0, p, hk, split);
                if (c == null) continue;
                md.append("| ").append(p.wireName()).append(" | ").append(pm(c.quality(), c.qualitySe(), 4)).append(" | ")
                        .append(pm(c.costUsd(), c.costSe(), 6)).append(" | ").append(pm(c.oracleShare(), c.oracleShareSe(), 3)).append(" |\n");
            }
            md.append('\n');
        }

        md.append(costAtEqualQuality(r, hk));

        md.append("## OOD families: PGC at k = ").append(hk).append("\n\n| family | users | denominator | metarouter | per_user_fit | linucb |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        for (String f : r.oodFamilies()) {
            Aggregation.Cell mr = r.cell(0, Policy.METAROUTER, hk, "ood:" + f);
            Aggregation.Cell pf = r.cell(0, Policy.PER_USER_FIT, hk, "ood:" + f);
            Aggregation.Cell lu = r.cell(0, Policy.LINUCB, hk, "ood:" + f);
            md.append("| ").append(f).append(" | ").append(mr.n()).append(" | ").append(pm(mr.gap(), mr.gapSe(), 4)).append(" | ")
                    .append(pm(mr.pgc(), mr.pgcSe(), 3)).append(" | ").append(pm(pf.pgc(), pf.pgcSe(), 3)).append(" | ")
                    .append(pm(lu.pgc(), lu.pgcSe(), 3)).append(" |\n");
        }
        md.append('\n');

        if (r.variants().size() > 1) {
            int sk = r.settings().sweepK();
            md.append("## Pool changes and pool size (k = ").append(sk).append(")\n\n");
            md.append("Utility of MetaRouter with the pool changed at serving time, per split; `delta` is the paired relative ")
                    .append("difference from the router named in the `versus` column over the users scored under both (negative = worse).\n\n");
            md.append("| variant | group | split | metarouter utility | versus | users | delta (%) | known_preference | oracle |\n")
                    .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (int v = 1; v < r.variants().size(); v++) {
                PoolVariant pv = r.variants().get(v);
                for (String split : MetricsJson.SPLITS) {
                    Aggregation.Cell c = r.cell(v, Policy.METAROUTER, sk, split);
                    if (c == null) continue;
                    int ref = Aggregation.referenceVariant(r.variants(), v);
                    String name = Aggregation.poolComparison(r.variants(), v);
                    Aggregation.Comparison delta = r.comparisons().stream().filter(x -> x.what().equals(name) && x.split().equals(split))
                            .findFirst().orElse(null);
                    md.append("| ").append(pv.name()).append(" | ").append(pv.group()).append(" | ").append(split).append(" | ")
                            .append(pm(c.utility(), c.utilitySe(), 4)).append(" | ").append(r.variants().get(ref).name()).append(" | ")
                            .append(delta == null ? "-" : Integer.toString(delta.users())).append(" | ")
                            .append(delta == null ? "n/a" : String.format(Locale.ROOT, "%+.2f +- %.2f", 100 * delta.relative(),
                                    100 * delta.relativeSe()))
                            .append(" | ").append(fmt(r.cell(v, Policy.KNOWN_PREFERENCE, sk, split).utility(), 4)).append(" | ")
                            .append(fmt(r.cell(v, Policy.ORACLE, sk, split).utility(), 4)).append(" |\n");
                }
            }
            md.append('\n');
        }

        if (r.offPolicy() != null) {
            OffPolicyReport o = r.offPolicy();
            md.append("## Off-policy evaluation of the artifact on logged route events\n\n");
            md.append(String.format(Locale.ROOT, "%d route events of %d users (%d skipped), logging policy %s. Target: the artifact, "
                    + "greedy, adapted per user on the user's preference events logged before each route event. Truth: the target's "
                    + "expected true utility on the same logged queries and candidates (true profiles from users.parquet, true outcomes).%n%n",
                    o.events(), o.users(), o.skipped(), o.loggingPolicies()));
            md.append("| estimator | estimate | SE (clustered by user) | error vs truth | z |\n| --- | --- | --- | --- | --- |\n");
            md.append("| truth | ").append(fmt(o.truth().value(), 4)).append(" | ").append(fmt(o.truth().se(), 4)).append(" | | |\n");
            md.append("| logging policy (observed) | ").append(fmt(o.logged().value(), 4)).append(" | ").append(fmt(o.logged().se(), 4)).append(" | | |\n");
            for (Map.Entry<String, OffPolicyEstimators.Estimate> e : o.estimates().entrySet()) {
                double err = e.getValue().value() - o.truth().value();
                md.append("| ").append(e.getKey()).append(" | ").append(fmt(e.getValue().value(), 4)).append(" | ")
                        .append(fmt(e.getValue().se(), 4)).append(" | ").append(String.format(Locale.ROOT, "%+.4f", err)).append(" | ")
                        .append(String.format(Locale.ROOT, "%+.2f", err / e.getValue().se())).append(" |\n");
            }
            md.append('\n');
        }

        md.append("## Plots\n\n");
        for (String p : plots) md.append("![").append(p).append("](").append(p).append(")\n\n");
        md.append("## Definitions\n\n").append(DEFINITIONS);
        return md.toString();
    }

    /** The targets, each with the measured figure and its SE: met, missed (by how much) or not measured. */
    static String targets(EvaluationResult r) {
        StringBuilder md = new StringBuilder("## Targets (issue 6)\n\n| target | measured | verdict |\n| --- | --- | --- |\n");
        for (Policy p : List.of(Policy.METAROUTER, Policy.METAROUTER_ACTIVE)) {
            for (String[] t : new String[][] {{"id", "0.90"}, {"ood", "0.75"}}) {
                Aggregation.Cell c = r.cell(0, p, 6, t[0]);
                if (c == null) continue;
                double goal = Double.parseDouble(t[1]);
                md.append("| PGC@6 ").append(t[0].toUpperCase()).append(" >= ").append(t[1])
                        .append(p == Policy.METAROUTER ? "" : " (active elicitation: the router chooses the 6 comparisons)")
                        .append(" | ").append(pm(c.pgc(), c.pgcSe(), 3)).append(" | ")
                        .append(c.pgc() >= goal ? "met" : String.format(Locale.ROOT, "missed by %.3f", goal - c.pgc())).append(" |\n");
            }
        }
        for (Aggregation.Comparison c : r.comparisons()) {
            if (c.what().startsWith("metarouter") && c.k() <= 8) {
                String verdict = c.difference() - 2 * c.se() > 0 ? "better (>2 SE)"
                        : c.difference() + 2 * c.se() < 0 ? "worse (>2 SE)" : "no significant difference";
                md.append("| ").append(c.what()).append(" >= 0 (").append(c.split().toUpperCase()).append(", k=").append(c.k())
                        .append(c.k() <= 4 ? ", must be > 0" : "").append(") | ").append(pm(c.difference(), c.se(), 4)).append(" | ")
                        .append(verdict).append(" |\n");
            } else if (c.what().startsWith("artifact - retrained_control")) {
                md.append("| control: ").append(c.what()).append(" (").append(c.split().toUpperCase()).append(") = 0 expected | ")
                        .append(String.format(Locale.ROOT, "%+.2f%% (%s)", 100 * c.relative(), pm(c.difference(), c.se(), 4)))
                        .append(" | ").append(Math.abs(c.difference()) <= 2 * c.se() ? "consistent" : "DIFFERS: drop rows below compare unlike training runs")
                        .append(" |\n");
            } else if (c.what().startsWith("drop")) {
                md.append("| ").append(c.what()).append(" >= -2% (").append(c.split().toUpperCase()).append(") | ")
                        .append(String.format(Locale.ROOT, "%+.2f%% (%s)", 100 * c.relative(), pm(c.difference(), c.se(), 4))).append(" | ")
                        .append(c.relative() >= -0.02 ? "met" : String.format(Locale.ROOT, "missed by %.2f%%", -100 * c.relative() - 2)).append(" |\n");
            }
        }
        return md.append('\n').toString();
    }

    /** Policies of the cost-at-equal-quality table, in order. */
    static final List<Policy> EQUAL_QUALITY_POLICIES = List.of(Policy.METAROUTER, Policy.METAROUTER_ACTIVE, Policy.PER_USER_FIT,
            Policy.POPULATION, Policy.KNOWN_PREFERENCE, Policy.BEST_SINGLE, Policy.ORACLE);

    /** Each policy's cost against what each user's quality costs with single models (EqualQualityCost). */
    static String costAtEqualQuality(EvaluationResult r, int k) {
        EqualQualityCost.Report eq = r.equalQuality();
        if (eq == null || eq.k() != k) return "";
        StringBuilder md = new StringBuilder("## Cost at equal quality (k = ").append(k).append(")\n\n");
        md.append("Per user, the reference is the single-model frontier at that user's mean quality: the cheapest mix of single ")
                .append("models (a share of the queries to each) reaching it over the scored queries. saving = 1 - mean cost / mean ")
                .append("frontier cost over the users compared (negative: dearer than single models), with its delta-method SE; ")
                .append("users whose quality no mix of single models reaches are counted apart.\n\n");
        md.append("| policy | split | users compared | beyond the frontier | cost_usd | frontier cost_usd | saving |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (String split : MetricsJson.SPLITS) {
            for (Policy p : EQUAL_QUALITY_POLICIES) {
                EqualQualityCost.Saving sv = eq.saving(p, split);
                if (sv == null) continue;
                md.append("| ").append(p.wireName()).append(" | ").append(split).append(" | ").append(sv.users()).append(" | ")
                        .append(sv.beyondFrontier()).append(" | ").append(fmt(sv.costUsd(), 6)).append(" | ").append(fmt(sv.frontierCostUsd(), 6))
                        .append(" | ").append(Double.isNaN(sv.saving()) ? "n/a"
                                : String.format(Locale.ROOT, "%+.1f%% +- %.1f%%", 100 * sv.saving(), 100 * sv.savingSe())).append(" |\n");
            }
        }
        md.append("\nSingle models (mean quality / mean cost over the scored queries): ");
        List<String> pts = new ArrayList<>();
        for (EqualQualityCost.ArmPoint a : eq.arms()) pts.add(a.arm() + " " + fmt(a.quality(), 3) + " / $" + fmt(a.costUsd(), 6));
        return md.append(String.join(", ", pts)).append(".\n\n").toString();
    }

    private interface CellText {
        String text(Aggregation.Cell c);
    }

    private static String table(EvaluationResult r, String split, int[] ks, CellText f) {
        StringBuilder sb = new StringBuilder("| policy |");
        for (int k : ks) sb.append(" k=").append(k).append(" |");
        sb.append("\n| --- |");
        for (int ignored : ks) sb.append(" --- |");
        sb.append('\n');
        for (Policy p : Policy.values()) {
            List<String> cells = new ArrayList<>();
            for (int k : ks) {
                Aggregation.Cell c = r.cell(0, p, k, split);
                cells.add(c == null ? "-" : f.text(c));
            }
            sb.append("| ").append(p.wireName()).append(" | ").append(String.join(" | ", cells)).append(" |\n");
        }
        return sb.toString();
    }

    static String pm(double v, double se, int digits) {
        return fmt(v, digits) + " +- " + fmt(se, digits);
    }

    static String fmt(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
    }

    static final String DEFINITIONS = """
            - **random**: uniform over the pool, reported as its expectation. **cheapest**: lowest catalog mean cost.
              **strongest**: highest mean quality on the train split. **best_single**: the one model with the highest mean true
              utility for this user over the scored queries (hindsight).
            - **population**: the outcome predictor with the population's average utility: per (query, model) the mean over
              reference users (drawn from the same profile distribution as the split, ids `popref-*`, never evaluated) of the
              expected utility under the predictor; one router for everybody in the split, no personalisation. PGC(population) = 0
              by construction.
            - **per_user_fit**: the maximum-likelihood lambda of U = q - lambda cs from the user's k comparisons (Bradley-Terry
              profile likelihood over beta, log grids, weak log-normal prior on lambda centred on 1 so k = 0..2 is defined),
              plugged into the outcome predictor.
            - **linucb / thompson**: a linear bandit on the arm features psi(q^, cs(c^)), ridge prior, learned from scratch per
              user over k rounds on the contexts' queries with reward = the user's true utility of the real outcome; then routed
              greedily on the posterior mean. With k = 0 all arms tie, which is the random policy.
            - **known_preference**: the outcome predictor with the user's true utility, maximising the expected utility under
              the predictor (Bernoulli quality when every quality is 0/1). PGC = 1 by construction; it is the upper bound of
              personalisation with this predictor, not of routing.
            - **oracle**: per query the best model in hindsight with the true outcomes. oracle_share = mean U / mean U_oracle.
            - **metarouter**: the artifact adapted on the k contexts (encoder + inner loop), greedy. Ablations: **no_encoder**
              (theta_init = the population prior, inner loop adapts), **no_inner_loop** (encoder only), **no_meta_training**
              (same architecture, seeded initial meta-parameters, adapted per user by the inner loop).
            - **bayes_id_prior** (reference point, not a baseline): the posterior mean of lambda under the TRUE ID prior from
              the k comparisons, plugged into the outcome predictor. For ID users it is the best any router can do from these
              k comparisons with this predictor, so its PGC(k) is the information ceiling the PGC target is measured against.
            - **metarouter_active**: the same artifact, but it chooses the k comparisons itself (active elicitation, core's
              `ComparisonPlanner`): one at a time, the pair of pool models on one of the user's context queries whose answer
              carries the most expected information about the user's utility weights under the router's Laplace posterior
              (BALD; on pass/fail data averaged over the outcomes the predictor expects, else at q^); the user answers as in
              the random protocol. If the planner runs out of comparisons before k (a tiny pool), the active policies use all
              it asked.
              **per_user_fit_active** and **bayes_id_prior_active** see the same chosen comparisons. All other policies see the
              random comparisons; population and known_preference see none, so PGC is defined the same way for both protocols.
            - Ties between models are split evenly (the expectation of a uniform tie-break).
            - SEs are over users. PGC's SE is the delta-method SE of a ratio of paired means; metrics.json also has a seeded
              bootstrap SE (main pool, ID/OOD).
            """;
}
