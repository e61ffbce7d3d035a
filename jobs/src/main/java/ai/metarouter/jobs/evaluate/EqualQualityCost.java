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
 * quality above the best model's has no reference (NaN). A pure function of the points.
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

    private static double min(double a, double b) {
        return Double.isNaN(a) ? b : Math.min(a, b);
    }
}
