package ai.metarouter.jobs.evaluate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * "Cost saved at equal quality" (method.md section 5): what the same mean quality costs without a
 * router. The reference is the single-model frontier: each model alone gives a point (mean
 * quality, mean cost) over the scored queries, and sending a share t of the queries to one model
 * and the rest to another gives every point on the segment between two such points. The cheapest
 * cost at quality q is therefore the lower convex hull of the models' points evaluated at q; a
 * quality above the best model's has no reference (NaN). The comparison is made per user (each
 * user's mean quality and cost over the scored queries under a policy, against the frontier's cost
 * at that user's quality), because users trade quality for cost differently: the mean of two
 * users' frontier points lies above the frontier, so comparing split means would charge the
 * router for the users' heterogeneity. Pure functions.
 */
public final class EqualQualityCost {
    private EqualQualityCost() {}

    /** One model's mean quality and mean cost (USD per query) over the scored queries. */
    public record ArmPoint(String arm, double quality, double costUsd) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The single-model points of a panel's arms over its scored rows (unmeasured cells skipped; arms never measured left out). */
    public static List<ArmPoint> armPoints(QueryPanel panel) {
        List<ArmPoint> out = new ArrayList<>();
        int[] rows = panel.scoringRows();
        for (int a = 0; a < panel.numArms(); a++) {
            double q = 0;
            double c = 0;
            int n = 0;
            for (int row : rows) {
                double qv = panel.quality(row, a);
                if (Double.isNaN(qv)) continue;
                q += qv;
                c += panel.cost(row, a);
                n++;
            }
            if (n > 0) out.add(new ArmPoint(panel.arms().get(a), q / n, c / n));
        }
        return out;
    }

    /** The cheapest mean cost of reaching mean quality {@code q} by mixing single models; NaN above the best model's quality. */
    public static double frontierCost(List<ArmPoint> points, double q) {
        double best = Double.NaN;
        for (ArmPoint i : points) {
            if (i.quality() >= q) best = min(best, i.costUsd());
            for (ArmPoint j : points) {
                if (i.quality() < q && j.quality() > q) {
                    double t = (q - i.quality()) / (j.quality() - i.quality());
                    best = min(best, (1 - t) * i.costUsd() + t * j.costUsd());
                }
            }
        }
        return best;
    }

    /** 1 - cost / frontierCost(q): the share of the frontier's cost saved at equal quality (negative = dearer); NaN without a reference. */
    public static double saving(List<ArmPoint> points, double q, double costUsd) {
        double ref = frontierCost(points, q);
        return Double.isNaN(ref) || !(ref > 0) ? Double.NaN : 1.0 - costUsd / ref;
    }

    /**
     * A policy's cost against the frontier's, over the users who have a reference.
     *
     * @param users users compared (their quality is reachable by single models)
     * @param beyondFrontier users whose quality no mix of single models reaches (left out)
     * @param costUsd mean cost of the compared users under the policy
     * @param frontierCostUsd mean frontier cost at each compared user's quality
     * @param saving 1 - costUsd / frontierCostUsd (negative: dearer than single models)
     * @param savingSe delta-method SE of the saving over users
     */
    public record Saving(int users, int beyondFrontier, double costUsd, double frontierCostUsd, double saving, double savingSe)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Everything the report and metrics.json show: the single models' points and each (policy, split)'s saving at k. */
    public record Report(int k, List<ArmPoint> arms, java.util.Map<String, Saving> savings) implements Serializable {
        private static final long serialVersionUID = 1L;

        public static String key(Policy p, String split) {
            return p.wireName() + "/" + split;
        }

        /** The saving of a policy in a split, or null. */
        public Saving saving(Policy p, String split) {
            return savings.get(key(p, split));
        }
    }

    /** The savings of these policies at k (main pool) in each split, users grouped by their split. */
    public static Report report(List<ArmPoint> points, List<UserResult> results, ResultLayout layout, int k, List<Policy> policies,
                                List<String> splits) {
        java.util.Map<String, Saving> savings = new java.util.LinkedHashMap<>();
        for (String split : splits) {
            List<UserResult> us = results.stream().filter(u -> u.split().equals(split)).toList();
            if (us.isEmpty()) continue;
            for (Policy p : policies) {
                int slot = layout.indexOf(0, p, k);
                if (slot >= 0) savings.put(Report.key(p, split), saving(points, us, slot));
            }
        }
        return new Report(k, List.copyOf(points), java.util.Collections.unmodifiableMap(savings));
    }

    /** The saving of the policy in result slot {@code slot} over these users (users not scored there are skipped). */
    public static Saving saving(List<ArmPoint> points, List<UserResult> users, int slot) {
        List<double[]> pairs = new ArrayList<>();
        int beyond = 0;
        for (UserResult u : users) {
            double q = u.quality()[slot];
            if (Double.isNaN(q)) continue;
            double ref = frontierCost(points, q);
            if (Double.isNaN(ref) || !(ref > 0)) {
                beyond++;
                continue;
            }
            pairs.add(new double[] {u.cost()[slot], ref});
        }
        int n = pairs.size();
        if (n == 0) return new Saving(0, beyond, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double[] c = new double[n];
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = pairs.get(i)[0];
            f[i] = pairs.get(i)[1];
        }
        double mc = java.util.Arrays.stream(c).average().orElseThrow();
        double mf = java.util.Arrays.stream(f).average().orElseThrow();
        return new Saving(n, beyond, mc, mf, 1.0 - mc / mf, Aggregation.ratioSe(c, f));
    }

    private static double min(double a, double b) {
        return Double.isNaN(a) ? b : Math.min(a, b);
    }
}
