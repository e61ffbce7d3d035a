package ai.metarouter.jobs.evaluate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG plots, rendered with XChart (pure Java2D, headless). Each method takes the
 * aggregated result and writes one file; error bars are one standard error.
 */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final List<Policy> CURVE_POLICIES = List.of(Policy.METAROUTER, Policy.PER_USER_FIT, Policy.LINUCB, Policy.THOMPSON,
            Policy.METAROUTER_NO_ENCODER, Policy.METAROUTER_NO_INNER_LOOP, Policy.METAROUTER_NO_META_TRAINING, Policy.BAYES_ID_PRIOR,
            Policy.METAROUTER_ACTIVE, Policy.BAYES_ID_PRIOR_ACTIVE);
    private static final List<Policy> LEVEL_POLICIES = List.of(Policy.KNOWN_PREFERENCE, Policy.POPULATION, Policy.BEST_SINGLE,
            Policy.STRONGEST, Policy.CHEAPEST, Policy.RANDOM);

    private Plots() {}

    /** The x axis of the k plots is log2(k+1); its title says where each evaluated k sits. */
    static String kAxisTitle(int[] ks) {
        StringBuilder at = new StringBuilder();
        for (int k : ks) {
            if (at.length() > 0) at.append(", ");
            at.append("k=").append(k).append(" at ").append(String.format(java.util.Locale.ROOT, "%.2f", Math.log(k + 1) / Math.log(2)));
        }
        return "log2(k+1), k = feedback contexts   (" + at + ")";
    }

    /** Utility vs k for one split: learning policies as curves, k-independent ones as flat lines. */
    public static void utilityVsK(EvaluationResult r, String split, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Utility vs feedback contexts k (" + split.toUpperCase() + " users)")
                .xAxisTitle(kAxisTitle(r.settings().ks())).yAxisTitle("mean realised utility per query").build();
        style(chart);
        int[] ks = r.settings().ks();
        double[] x = new double[ks.length];
        for (int i = 0; i < ks.length; i++) x[i] = Math.log(ks[i] + 1) / Math.log(2);
        for (Policy p : CURVE_POLICIES) addSeries(chart, r, p, split, ks, x, false);
        for (Policy p : LEVEL_POLICIES) addSeries(chart, r, p, split, ks, x, true);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** PGC vs k for the learning policies, ID and OOD. */
    public static void pgcVsK(EvaluationResult r, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Personalisation gap closed vs k (y clipped to [-1.5, 1.2])")
                .xAxisTitle(kAxisTitle(r.settings().ks()))
                .yAxisTitle("PGC (0 = population router, 1 = known preference)").build();
        style(chart);
        // Bandits from scratch start far below 0 at tiny k; clipping keeps the region that matters readable.
        chart.getStyler().setYAxisMin(-1.5);
        chart.getStyler().setYAxisMax(1.2);
        int[] ks = r.settings().ks();
        double[] x = new double[ks.length];
        for (int i = 0; i < ks.length; i++) x[i] = Math.log(ks[i] + 1) / Math.log(2);
        for (String split : MetricsJson.SPLITS) {
            for (Policy p : List.of(Policy.METAROUTER, Policy.PER_USER_FIT, Policy.LINUCB, Policy.BAYES_ID_PRIOR, Policy.METAROUTER_ACTIVE,
                    Policy.BAYES_ID_PRIOR_ACTIVE)) {
                if ((p == Policy.BAYES_ID_PRIOR || p == Policy.BAYES_ID_PRIOR_ACTIVE) && !split.equals("id")) continue;
                double[] y = new double[ks.length];
                double[] e = new double[ks.length];
                boolean any = false;
                for (int i = 0; i < ks.length; i++) {
                    Aggregation.Cell c = r.cell(0, p, ks[i], split);
                    y[i] = c == null ? Double.NaN : c.pgc();
                    e[i] = c == null ? 0 : finite(c.pgcSe());
                    any |= c != null;
                }
                if (any) chart.addSeries(p.wireName() + " (" + split + ")", x, y, e).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Each policy's (cost, quality) point at the sweep k, one series per split. */
    public static void costQuality(EvaluationResult r, int k, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(620).title("Cost-quality plane (k = " + k + ")")
                .xAxisTitle("mean cost per query (USD)").yAxisTitle("mean quality").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        for (String split : MetricsJson.SPLITS) {
            for (Policy p : Policy.CONTRACT) {
                Aggregation.Cell c = r.cell(0, p, k, split);
                if (c == null) continue;
                chart.addSeries(p.wireName() + " (" + split + ")", new double[] {c.costUsd()}, new double[] {c.quality()});
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** PGC at k per OOD family for the learning policies. */
    public static void pgcByFamily(EvaluationResult r, int k, Path file) throws IOException {
        List<String> families = r.oodFamilies();
        CategoryChart chart = new CategoryChartBuilder().width(900).height(560).title("PGC at k = " + k + " per OOD family")
                .xAxisTitle("OOD family").yAxisTitle("PGC").build();
        style(chart);
        if (families.isEmpty()) families = List.of("none");
        for (Policy p : List.of(Policy.METAROUTER, Policy.PER_USER_FIT, Policy.LINUCB)) {
            List<Double> y = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            for (String f : families) {
                Aggregation.Cell c = r.cell(0, p, k, "ood:" + f);
                y.add(c == null ? 0.0 : clip(c.pgc()));
                e.add(c == null ? 0.0 : finite(c.pgcSe()));
            }
            chart.addSeries(p.wireName(), families, y, e);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Pool changes: per model, MetaRouter's ID utility with that model dropped at serving time, with
     * the model re-onboarded from probes, and (when retrained) from a router trained without it,
     * next to the full pool.
     */
    public static void poolChanges(EvaluationResult r, String split, Path file) throws IOException {
        List<String> models = new ArrayList<>();
        for (PoolVariant v : r.variants()) if (v.group().equals("drop")) models.add(short_(v.subject()));
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
                .title("MetaRouter utility under pool changes, minus the full pool's (" + split.toUpperCase() + ", k = "
                        + r.settings().sweepK() + ")")
                .xAxisTitle("model changed").yAxisTitle("utility - full-pool utility").build();
        style(chart);
        chart.getStyler().setXAxisLabelRotation(45);
        if (models.isEmpty()) return;
        Aggregation.Cell full = r.cell(0, Policy.METAROUTER, r.settings().sweepK(), split);
        double fullU = full == null ? 0.0 : full.utility();
        for (String group : List.of("drop", "drop_retrained", "onboard")) {
            List<Double> y = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            boolean any = false;
            for (PoolVariant d : r.variants()) {
                if (!d.group().equals("drop")) continue;
                Double val = 0.0;
                Double err = 0.0;
                for (int v = 0; v < r.variants().size(); v++) {
                    PoolVariant pv = r.variants().get(v);
                    if (pv.group().equals(group) && d.subject().equals(pv.subject())) {
                        Aggregation.Cell c = r.cell(v, Policy.METAROUTER, r.settings().sweepK(), split);
                        if (c != null) {
                            val = c.utility() - fullU;
                            err = finite(c.utilitySe());
                            any = true;
                        }
                    }
                }
                y.add(val);
                e.add(err);
            }
            if (any) chart.addSeries(group, models, y, e);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Utility vs pool size (random pools per user) for the main policies. */
    public static void poolSize(EvaluationResult r, String split, Path file) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (PoolVariant v : r.variants()) if (v.group().equals("size") && !sizes.contains(v.randomSize())) sizes.add(v.randomSize());
        if (sizes.isEmpty()) return;
        sizes.sort(Integer::compare);
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Utility vs pool size (" + split.toUpperCase() + ", k = "
                + r.settings().sweepK() + ")").xAxisTitle("models in the pool").yAxisTitle("mean utility").build();
        style(chart);
        for (Policy p : List.of(Policy.ORACLE, Policy.KNOWN_PREFERENCE, Policy.METAROUTER, Policy.PER_USER_FIT, Policy.LINUCB,
                Policy.POPULATION, Policy.RANDOM)) {
            double[] x = new double[sizes.size()];
            double[] y = new double[sizes.size()];
            for (int i = 0; i < sizes.size(); i++) {
                int size = sizes.get(i);
                x[i] = size;
                double sum = 0;
                int n = 0;
                for (int v = 0; v < r.variants().size(); v++) {
                    PoolVariant pv = r.variants().get(v);
                    if (pv.group().equals("size") && pv.randomSize() == size) {
                        Aggregation.Cell c = r.cell(v, p, r.settings().sweepK(), split);
                        if (c != null) {
                            sum += c.utility();
                            n++;
                        }
                    }
                }
                y[i] = n == 0 ? Double.NaN : sum / n;
            }
            chart.addSeries(p.wireName(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addSeries(XYChart chart, EvaluationResult r, Policy p, String split, int[] ks, double[] x, boolean level) {
        double[] y = new double[ks.length];
        double[] e = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            Aggregation.Cell c = r.cell(0, p, ks[i], split);
            if (c == null) return;
            y[i] = c.utility();
            e[i] = finite(c.utilitySe());
        }
        XYSeries s = level ? chart.addSeries(p.wireName(), x, y) : chart.addSeries(p.wireName(), x, y, e);
        s.setMarker(level ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }

    private static void style(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    private static double clip(double v) {
        return Double.isFinite(v) ? Math.max(-2, Math.min(2, v)) : 0.0;
    }

    private static String short_(String id) {
        int slash = id.lastIndexOf('/');
        return slash >= 0 ? id.substring(slash + 1) : id;
    }
}
