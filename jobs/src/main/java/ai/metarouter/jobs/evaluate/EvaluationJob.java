package ai.metarouter.jobs.evaluate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Distributes held-out users over Spark: the panel, the routers, the variants and the settings are
 * broadcast once (as bytes, see {@link JavaBytes}); each partition rebuilds a {@link UserEvaluator}
 * and scores its users; the per-user figures (a few KB each) come back to the driver, where
 * {@link Aggregation} turns them into statistics (the bootstrap needs the per-user values).
 * Results are in user order whatever the partitioning, so the output does not depend on it.
 */
public final class EvaluationJob {
    private EvaluationJob() {}

    /** What every executor needs, shipped once. */
    public record Shared(QueryPanel panel, List<ModelPayload> routers, List<PoolVariant> variants, EvalSettings settings)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public UserEvaluator evaluator() {
            return new UserEvaluator(panel, new Routers(routers, settings), variants, new ResultLayout(variants, settings), settings);
        }
    }

    public static List<UserResult> run(SparkSession spark, Shared shared, List<EvalUser> users, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bc = jsc.broadcast(JavaBytes.write(shared));
        List<byte[]> encoded = new ArrayList<>(users.size());
        for (EvalUser u : users) encoded.add(JavaBytes.write(u));
        JavaRDD<byte[]> rdd = jsc.parallelize(encoded, Math.max(1, partitions));
        List<byte[]> out = rdd.mapPartitions((Iterator<byte[]> it) -> {
            Shared s = JavaBytes.read(bc.value());
            UserEvaluator evaluator = s.evaluator();
            List<byte[]> results = new ArrayList<>();
            while (it.hasNext()) {
                EvalUser u = JavaBytes.read(it.next());
                results.add(JavaBytes.write(evaluator.evaluate(u)));
            }
            return results.iterator();
        }).collect();
        bc.destroy();
        List<UserResult> results = new ArrayList<>(out.size());
        for (byte[] b : out) results.add(JavaBytes.read(b));
        return results;
    }
}
