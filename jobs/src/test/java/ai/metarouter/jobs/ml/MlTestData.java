package ai.metarouter.jobs.ml;

import static org.apache.spark.sql.functions.col;

import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.jobs.train.TrainTestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The routing inputs of the ml tests: each simulated user's comparisons from the interaction log
 * (in arrival order) as the contexts column, held-out prompts as the backlog to route.
 */
final class MlTestData {
    /**
     * One piece of feedback as the contexts struct and the server's feedback body both carry it: a
     * comparison (the pair fields and {@code preferred}) or a reward ({@code model, quality,
     * cost_usd, reward}); the other fields are null.
     */
    record Context(String query, String modelA, Double qualityA, Double costA, String modelB, Double qualityB, Double costB,
                   String preferred, String model, Double quality, Double cost, Double reward) {
        static Context pair(String query, String modelA, double qualityA, double costA, String modelB, double qualityB, double costB,
                            String preferred) {
            return new Context(query, modelA, qualityA, costA, modelB, qualityB, costB, preferred, null, null, null, null);
        }

        static Context reward(String query, String model, double quality, double cost, double reward) {
            return new Context(query, null, null, null, null, null, null, null, model, quality, cost, reward);
        }

        boolean isPair() {
            return preferred != null;
        }

        Row toRow() {
            return RowFactory.create(modelA, qualityA, costA, modelB, qualityB, costB, preferred, query, model, quality, cost, reward);
        }
    }

    /** One row to route. */
    record Request(String eventId, String userId, String query, List<Context> contexts, List<String> candidates) {}

    static final StructType CONTEXT = new StructType(new StructField[] {
        DataTypes.createStructField("model_a", DataTypes.StringType, true),
        DataTypes.createStructField("quality_a", DataTypes.DoubleType, true),
        DataTypes.createStructField("cost_usd_a", DataTypes.DoubleType, true),
        DataTypes.createStructField("model_b", DataTypes.StringType, true),
        DataTypes.createStructField("quality_b", DataTypes.DoubleType, true),
        DataTypes.createStructField("cost_usd_b", DataTypes.DoubleType, true),
        DataTypes.createStructField("preferred", DataTypes.StringType, true),
        DataTypes.createStructField("query", DataTypes.StringType, true),
        DataTypes.createStructField("model", DataTypes.StringType, true),
        DataTypes.createStructField("quality", DataTypes.DoubleType, true),
        DataTypes.createStructField("cost_usd", DataTypes.DoubleType, true),
        DataTypes.createStructField("reward", DataTypes.DoubleType, true)});

    static final StructType REQUESTS = new StructType(new StructField[] {
        DataTypes.createStructField("event_id", DataTypes.StringType, true),
        DataTypes.createStructField("user_id", DataTypes.StringType, true),
        DataTypes.createStructField("query", DataTypes.StringType, true),
        DataTypes.createStructField("contexts", DataTypes.createArrayType(CONTEXT), true),
        DataTypes.createStructField("candidates", DataTypes.createArrayType(DataTypes.StringType), true)});

    private MlTestData() {}

    /** Each user's comparisons in the log, in (ts, event_id) order. */
    static Map<String, List<Context>> comparisons(Dataset<Row> log) {
        Map<String, List<Context>> byUser = new TreeMap<>();
        for (Row r : log.filter(col("event_type").equalTo("preference")).orderBy("user_id", "ts", "event_id")
                .select("user_id", "query", "model_a", "quality_a", "cost_usd_a", "model_b", "quality_b", "cost_usd_b", "preferred")
                .collectAsList()) {
            byUser.computeIfAbsent(r.getString(0), u -> new ArrayList<>()).add(Context.pair(r.getString(1), r.getString(2),
                    r.getDouble(3), r.getDouble(4), r.getString(5), r.getDouble(6), r.getDouble(7), r.getString(8)));
        }
        return byUser;
    }

    /**
     * A backlog: for {@code users} users with their comparisons (the first also with a reward after
     * them) and one without any feedback, {@code perUser} test-split prompts each; every other row
     * names a candidate subset (not in artifact order).
     */
    static List<Request> backlog(Map<String, List<Context>> comparisons, int users, int perUser, List<String> arms) {
        OutcomeTable test = TrainTestData.DATA.outcomes().split("test");
        List<String> ids = new ArrayList<>(comparisons.keySet()).subList(0, users);
        List<String> all = new ArrayList<>(ids);
        all.add("newcomer");
        List<String> subset = List.of(arms.get(arms.size() - 1), arms.get(0), arms.get(arms.size() / 2));
        List<Request> out = new ArrayList<>();
        int q = 0;
        for (String user : all) {
            List<Context> contexts = new ArrayList<>(comparisons.getOrDefault(user, List.of()));
            if (user.equals(ids.get(0))) contexts.add(Context.reward(test.query(0).prompt(), arms.get(0), 0.7, 0.001, 0.35));
            for (int i = 0; i < perUser; i++, q++) {
                out.add(new Request("batch-" + q, user, test.query(q % test.numQueries()).prompt(), contexts, q % 2 == 0 ? null : subset));
            }
        }
        return out;
    }

    static Dataset<Row> frame(SparkSession spark, List<Request> requests) {
        List<Row> rows = new ArrayList<>();
        for (Request r : requests) {
            List<Row> contexts = r.contexts().isEmpty() ? null : r.contexts().stream().map(Context::toRow).toList();
            rows.add(RowFactory.create(r.eventId(), r.userId(), r.query(), contexts, r.candidates()));
        }
        return spark.createDataFrame(rows, REQUESTS);
    }
}
