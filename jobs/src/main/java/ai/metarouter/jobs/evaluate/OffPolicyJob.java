package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.simulate.UserRows;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Off-policy evaluation over Spark: the log's events grouped by user (one user's events never
 * split), each user scored by {@link OffPolicyUser} on an executor with the broadcast artifact,
 * outcome lookups and true profiles ({@code <logs>/users.parquet}), and the per-event arrays
 * combined on the driver by {@link OffPolicyEstimators}. The truth uses the true profiles, which a
 * production log would not have: with simulated logs it tells how far each estimator is off.
 */
public final class OffPolicyJob {
    /** Ridge of the per-user reward model. */
    static final double REWARD_MODEL_RIDGE = 1.0;

    private OffPolicyJob() {}

    /** What executors need. */
    record Shared(ModelPayload model, OffPolicyUser.Lookup lookup, Map<String, TrueProfile> profiles) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public static OffPolicyReport run(SparkSession spark, String logsUri, ai.metarouter.core.model.MetaRouterModel artifact, OutcomeTable table,
                                      ModelCatalog catalog, int partitions, BiConsumer<String, Object[]> progress) {
        Map<String, TrueProfile> profiles = new HashMap<>();
        for (Row r : UserRows.read(spark, logsUri).collectAsList()) {
            SimulatedUser u = UserRows.fromRow(r);
            profiles.put(u.userId(), TrueProfile.of(u.profile()));
        }
        Map<String, Integer> rows = new HashMap<>();
        for (int i = 0; i < table.numQueries(); i++) rows.put(table.query(i).id(), i);
        int nM = table.numModels();
        double[] q = new double[table.numQueries() * nM];
        double[] c = new double[q.length];
        for (int i = 0; i < table.numQueries(); i++) {
            for (int m = 0; m < nM; m++) {
                q[i * nM + m] = table.quality(i, m);
                c[i * nM + m] = table.cost(i, m);
            }
        }
        OffPolicyUser.Lookup lookup = new OffPolicyUser.Lookup(rows, List.copyOf(table.models()), q, c, catalog.costScale().lnLo(),
                catalog.costScale().lnHi());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bc = jsc.broadcast(JavaBytes.write(new Shared(ModelPayload.of(artifact), lookup, profiles)));
        Dataset<Row> logs = InteractionLogs.read(spark, logsUri);
        List<String> policies = new ArrayList<>(new TreeSet<>(logs.filter("event_type = 'route'").select("policy").distinct()
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
        JavaPairRDD<String, Iterable<Row>> byUser = logs.javaRDD().groupBy(r -> r.<String>getAs("user_id"), Math.max(1, partitions));
        List<Tuple2<String, byte[]>> out = byUser.mapPartitions((java.util.Iterator<Tuple2<String, Iterable<Row>>> it) -> {
            Shared s = JavaBytes.read(bc.value());
            var model = s.model().toModel();
            List<Tuple2<String, byte[]>> res = new ArrayList<>();
            while (it.hasNext()) {
                Tuple2<String, Iterable<Row>> g = it.next();
                TrueProfile p = s.profiles().get(g._1());
                if (p == null) continue;
                List<InteractionEvent> events = new ArrayList<>();
                for (Row r : g._2()) events.add(InteractionEventRows.fromRow(r));
                res.add(new Tuple2<>(g._1(), JavaBytes.write(OffPolicyUser.evaluate(events, p.toProfile(), model, s.lookup(), REWARD_MODEL_RIDGE))));
            }
            return res.iterator();
        }).collect();
        bc.destroy();
        // User order, so the estimates do not depend on the partitioning.
        Map<String, OffPolicyUser.Events> byId = new TreeMap<>();
        for (Tuple2<String, byte[]> t : out) byId.put(t._1(), JavaBytes.read(t._2()));
        OffPolicyReport report = combine(byId, String.join(",", policies));
        progress.accept("off-policy: %d route events of %d users; truth %.4f, IPS %.4f, SNIPS %.4f, DR %.4f",
                new Object[] {report.events(), report.users(), report.truth().value(), report.estimates().get("ips").value(),
                        report.estimates().get("snips").value(), report.estimates().get("dr").value()});
        return report;
    }

    /** Concatenates users' events (cluster = user) and applies the estimators. */
    public static OffPolicyReport combine(Map<String, OffPolicyUser.Events> users, String policies) {
        int n = 0;
        long skipped = 0;
        for (OffPolicyUser.Events e : users.values()) {
            n += e.reward().length;
            skipped += e.skipped();
        }
        double[] pi = new double[n];
        double[] p = new double[n];
        double[] r = new double[n];
        double[] rhat = new double[n];
        double[] dm = new double[n];
        double[] truth = new double[n];
        int[] cluster = new int[n];
        int i = 0;
        int u = 0;
        long withEvents = 0;
        for (OffPolicyUser.Events e : users.values()) {
            if (e.reward().length > 0) withEvents++;
            for (int j = 0; j < e.reward().length; j++, i++) {
                pi[i] = e.targetProb()[j];
                p[i] = e.propensity()[j];
                r[i] = e.reward()[j];
                rhat[i] = e.rewardHat()[j];
                dm[i] = e.directValue()[j];
                truth[i] = e.truth()[j];
                cluster[i] = u;
            }
            u++;
        }
        Map<String, OffPolicyEstimators.Estimate> est = new java.util.LinkedHashMap<>();
        est.put("ips", OffPolicyEstimators.ips(pi, p, r, cluster));
        est.put("snips", OffPolicyEstimators.snips(pi, p, r, cluster));
        est.put("dm", OffPolicyEstimators.directMethod(dm, cluster));
        est.put("dr", OffPolicyEstimators.doublyRobust(pi, p, r, rhat, dm, cluster));
        return new OffPolicyReport(n, withEvents, skipped, policies, OffPolicyEstimators.mean(truth, cluster),
                OffPolicyEstimators.mean(r, cluster), est);
    }
}
