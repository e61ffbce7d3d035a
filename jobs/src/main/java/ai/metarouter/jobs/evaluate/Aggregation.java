package ai.metarouter.jobs.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Per-user figures to the reported statistics, a pure function. For every (variant, policy, k) and
 * user group ({@code id}, {@code ood}, and each OOD family as {@code ood:<family>}):
 * <ul>
 *   <li>mean utility, quality and cost with their standard errors over users (sd / sqrt(n));</li>
 *   <li>PGC = (mean U_policy - mean U_population) / (mean U_known - mean U_population), a ratio of
 *       paired means over the same users, with its delta-method standard error
 *       {@code se^2 = var(a - R b) / (n mean(b)^2)}, a_u = U_policy - U_pop, b_u = U_known - U_pop;
 *       for the main pool also a seeded bootstrap standard error over users;</li>
 *   <li>oracle_share = mean U_policy / mean U_oracle (delta-method SE likewise);</li>
 *   <li>the denominator mean(U_known - U_pop) itself, with its SE.</li>
 * </ul>
 */
public final class Aggregation {
    private Aggregation() {}

    /** One statistic cell. */
    public record Cell(int n, double utility, double utilitySe, double quality, double qualitySe, double costUsd, double costSe,
                       double pgc, double pgcSe, double pgcBootstrapSe, double oracleShare, double oracleShareSe,
                       double gap, double gapSe) {}

    /** Cell key. */
    public record Key(int variant, Policy policy, int k, String group) {}

    /**
     * @param bootstrap resamples for the bootstrap SE of PGC on the main variant (0 = none)
     * @param seed bootstrap seed
     */
    public static Map<Key, Cell> aggregate(List<UserResult> users, ResultLayout layout, List<PoolVariant> variants,
                                           int bootstrap, long seed) {
        Map<String, List<UserResult>> groups = new LinkedHashMap<>();
        for (UserResult u : users) {
            groups.computeIfAbsent(u.split(), g -> new ArrayList<>()).add(u);
            if (!u.split().equals("id")) groups.computeIfAbsent(u.split() + ":" + u.family(), g -> new ArrayList<>()).add(u);
        }
        Map<Key, Cell> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<UserResult>> g : groups.entrySet()) {
            List<UserResult> us = g.getValue();
            boolean boot = bootstrap > 0 && !g.getKey().contains(":");
            for (ResultLayout.Key key : layout.keys()) {
                int slot = layout.indexOf(key.variant(), key.policy(), key.k());
                int pop = layout.indexOf(key.variant(), Policy.POPULATION, key.k());
                int known = layout.indexOf(key.variant(), Policy.KNOWN_PREFERENCE, key.k());
                int oracle = layout.indexOf(key.variant(), Policy.ORACLE, key.k());
                boolean doBoot = boot && variants.get(key.variant()).isMain();
                Cell c = cell(us, slot, pop, known, oracle, doBoot ? bootstrap : 0, seed);
                if (c != null) out.put(new Key(key.variant(), key.policy(), key.k(), g.getKey()), c);
            }
        }
        return out;
    }

    /**
     * A paired comparison over the same users: mean of (a - b) with its SE, and that mean relative
     * to |mean b|.
     *
     * @param what e.g. {@code metarouter - per_user_fit}
     */
    public record Comparison(String what, String split, int k, int users, double difference, double se, double relative,
                             double relativeSe) {}

    /**
     * MetaRouter against per_user_fit and linucb at every k (main pool), and for each dropped model
     * the artifact with the model removed against the router retrained without it (when present),
     * per split. These are the targets, as paired differences.
     */
    public static List<Comparison> comparisons(List<UserResult> users, ResultLayout layout, List<PoolVariant> variants, EvalSettings s) {
        List<Comparison> out = new ArrayList<>();
        for (String split : List.of("id", "ood")) {
            List<UserResult> us = users.stream().filter(u -> u.split().equals(split)).toList();
            if (us.isEmpty()) continue;
            for (Policy rival : List.of(Policy.PER_USER_FIT, Policy.LINUCB)) {
                for (int k : s.ks()) {
                    Comparison c = paired("metarouter - " + rival.wireName(), split, k, us, layout.indexOf(0, Policy.METAROUTER, k),
                            layout.indexOf(0, rival, k));
                    if (c != null) out.add(c);
                }
            }
            for (int v = 0; v < variants.size(); v++) {
                if (variants.get(v).group().equals("control")) {
                    Comparison c = paired("artifact - retrained_control (full pool)", split, s.sweepK(), us,
                            layout.indexOf(0, Policy.METAROUTER, s.sweepK()), layout.indexOf(v, Policy.METAROUTER, s.sweepK()));
                    if (c != null) out.add(c);
                }
            }
            for (int v = 0; v < variants.size(); v++) {
                if (!variants.get(v).group().equals("drop")) continue;
                int w = referenceVariant(variants, v);
                if (w == 0) continue; // no router retrained without this model
                Comparison c = paired(poolComparison(variants, v), split, s.sweepK(), us,
                        layout.indexOf(v, Policy.METAROUTER, s.sweepK()), layout.indexOf(w, Policy.METAROUTER, s.sweepK()));
                if (c != null) out.add(c);
            }
            // Every sweep variant against its reference, over the users scored under both (the sweeps run on a subset).
            for (int v = 1; v < variants.size(); v++) {
                int ref = referenceVariant(variants, v);
                if (ref != 0) continue; // a drop with its retrained router: the "drop ...: artifact - retrained" comparison above
                Comparison c = paired(poolComparison(variants, v), split, s.sweepK(), us, layout.indexOf(v, Policy.METAROUTER, s.sweepK()),
                        layout.indexOf(ref, Policy.METAROUTER, s.sweepK()));
                if (c != null) out.add(c);
            }
        }
        return out;
    }

    /** The name of the paired comparison of sweep variant v with its reference ({@link #referenceVariant}). */
    static String poolComparison(List<PoolVariant> variants, int v) {
        int ref = referenceVariant(variants, v);
        if (ref != 0) return "drop " + variants.get(v).subject() + ": artifact - retrained";
        return "pool " + variants.get(v).name() + " - " + variants.get(ref).name();
    }

    /** Which router/pool a sweep variant is compared with: drop vs drop_retrained when present, else the full pool. */
    static int referenceVariant(List<PoolVariant> variants, int v) {
        PoolVariant pv = variants.get(v);
        if (pv.group().equals("drop")) {
            for (int i = 0; i < variants.size(); i++) {
                PoolVariant o = variants.get(i);
                if (o.group().equals("drop_retrained") && o.subject().equals(pv.subject())) return i;
            }
        }
        return 0;
    }

    static Comparison paired(String what, String split, int k, List<UserResult> us, int a, int b) {
        if (a < 0 || b < 0) return null;
        List<double[]> pairs = new ArrayList<>();
        for (UserResult u : us) {
            double x = u.utility()[a];
            double y = u.utility()[b];
            if (!Double.isNaN(x) && !Double.isNaN(y)) pairs.add(new double[] {x - y, y});
        }
        if (pairs.size() < 2) return null;
        double[] diff = new double[pairs.size()];
        double[] base = new double[pairs.size()];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = pairs.get(i)[0];
            base[i] = pairs.get(i)[1];
        }
        double[] x = new double[diff.length];
        for (int i = 0; i < x.length; i++) x[i] = diff[i] + base[i];
        // relative = mean(x) / mean(y) - 1 (sign kept for a negative base); its SE is the ratio's delta-method SE.
        return new Comparison(what, split, k, diff.length, mean(diff), se(diff), mean(diff) / Math.abs(mean(base)), ratioSe(x, base));
    }

    static Cell cell(List<UserResult> all, int slot, int pop, int known, int oracle, int bootstrap, long seed) {
        // Users not scored under this variant (sweeps run on a subset) have NaN there.
        List<UserResult> us = new ArrayList<>(all.size());
        for (UserResult r : all) if (!Double.isNaN(r.utility()[slot])) us.add(r);
        int n = us.size();
        if (n == 0) return null;
        double[] uu = new double[n];
        double[] a = new double[n];
        double[] b = new double[n];
        double[] o = new double[n];
        double[] qq = new double[n];
        double[] cc = new double[n];
        for (int i = 0; i < n; i++) {
            UserResult r = us.get(i);
            uu[i] = r.utility()[slot];
            qq[i] = r.quality()[slot];
            cc[i] = r.cost()[slot];
            a[i] = uu[i] - r.utility()[pop];
            b[i] = r.utility()[known] - r.utility()[pop];
            o[i] = r.utility()[oracle];
        }
        double pgc = mean(a) / mean(b);
        double share = mean(uu) / mean(o);
        double bootSe = Double.NaN;
        if (bootstrap > 0 && n > 1) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] stats = new double[bootstrap];
            for (int rep = 0; rep < bootstrap; rep++) {
                double sa = 0;
                double sb = 0;
                for (int i = 0; i < n; i++) {
                    int j = rng.nextInt(n);
                    sa += a[j];
                    sb += b[j];
                }
                stats[rep] = sa / sb;
            }
            bootSe = sd(stats);
        }
        return new Cell(n, mean(uu), se(uu), mean(qq), se(qq), mean(cc), se(cc), pgc, ratioSe(a, b), bootSe, share,
                ratioSe(uu, o), mean(b), se(b));
    }

    /** Delta-method SE of mean(x) / mean(y) over paired observations. */
    static double ratioSe(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) return Double.NaN;
        double mx = mean(x);
        double my = mean(y);
        double r = mx / my;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = x[i] - r * y[i];
        return sd(z) / Math.sqrt(n) / Math.abs(my);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    static double sd(double[] x) {
        int n = x.length;
        if (n < 2) return Double.NaN;
        double m = mean(x);
        double s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return Math.sqrt(s / (n - 1));
    }

    static double se(double[] x) {
        return x.length < 2 ? Double.NaN : sd(x) / Math.sqrt(x.length);
    }
}
