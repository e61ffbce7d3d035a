package ai.metarouter.jobs.train;

import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.SyntheticBenchmark;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.io.Schemas;
import ai.metarouter.jobs.simulate.SimulationJob;
import ai.metarouter.jobs.simulate.SimulationSpec;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Small real data for the train tests: a synthetic outcome dataset and simulated logs, written as the jobs write them. */
public final class TrainTestData {
    /** 300 queries x 5 models. */
    public static final SyntheticBenchmark.Dataset DATA =
            SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(5).withQueries(300).withModels(5));

    private TrainTestData() {}

    /** Writes {@link #DATA} as an outcome dataset directory. */
    public static void writeOutcomes(SparkSession spark, Path dir) {
        OutcomeTable table = DATA.outcomes();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < table.numQueries(); i++) {
            QueryRecord q = table.query(i);
            for (int m = 0; m < table.numModels(); m++) {
                if (table.has(i, m)) {
                    rows.add(RowFactory.create(q.id(), q.task(), q.prompt(), q.split(), table.model(m), table.quality(i, m), table.cost(i, m)));
                }
            }
        }
        OutcomeDatasets.write(spark, spark.createDataFrame(rows, Schemas.outcomes()), DATA.catalog(), dir.toString());
    }

    /** Simulates {@code users} ID users with the given events per user into a log directory. */
    public static void simulate(SparkSession spark, Path out, int users, int preferences, int routes, long seed) {
        UserSimulator.Config events = UserSimulator.Config.defaults().withEvents(preferences, routes)
                .withDates(LocalDate.of(2025, 3, 1), 4);
        SimulationSpec spec = new SimulationSpec(users, UserSplit.ID, seed, events, ProfileDistribution.Config.defaults(), 2);
        SimulationJob.run(spark, DATA.outcomes(), DATA.catalog(), spec, "memory", out.toString(), false, line -> {});
    }

    /** Small, fast training settings: the shipped defaults with {@code overrides} (keys of metarouter.train). */
    public static TrainSettings settings(Map<String, Object> overrides) {
        Config defaults = ConfigFactory.parseResources("metarouter-conf/metarouter.conf").resolve().getConfig("metarouter.train");
        Config small = ConfigFactory.parseMap(Map.of(
                "features.dim", 512,
                "outcome.epochs", 3,
                "outcome.rank", 4,
                "model.hidden", 6,
                "model.latent", 2,
                "users.min-events", 4,
                "users.max-events", 64,
                "tree-depth", 2));
        return TrainSettings.fromConfig(ConfigFactory.parseMap(overrides).withFallback(small).withFallback(defaults), 11L);
    }
}
