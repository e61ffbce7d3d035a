package ai.metarouter.jobs.simulate;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.sim.LoggingPolicy;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.io.SafeOutput;
import com.typesafe.config.Config;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code metarouter simulate --outcomes <dir> --output <dir> --users N [--profiles id|ood --contexts K --seed S]}
 * and the optional flags below. {@code --contexts} is the number of preference events (feedback
 * contexts) per user, {@code --routes} the number of route events. Defaults come from
 * {@code metarouter.simulate} in the configuration; flags win.
 */
public final class SimulateCommand implements Command {
    @Override
    public String name() {
        return "simulate";
    }

    @Override
    public String summary() {
        return "simulated users over an outcome dataset -> interaction log (dt= partitions) + users.parquet";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("outcomes", "<dir>", "outcome dataset (import-routerbench or generate-benchmark output)"),
                FlagSpec.required("output", "<dir>", "directory to create: dt=*/ log partitions, users.parquet, _simulation.json"),
                FlagSpec.required("users", "<N>", "number of simulated users"),
                FlagSpec.optional("profiles", "id|ood", "profile distribution: in- or out-of-distribution (default id)"),
                FlagSpec.optional("contexts", "<K>", "preference events (feedback contexts) per user"),
                FlagSpec.optional("routes", "<R>", "route events per user"),
                FlagSpec.optional("seed", "<S>", "random seed (default metarouter.seed)"),
                FlagSpec.optional("query-split", "train|test|all", "outcome-table queries the events are drawn from"),
                FlagSpec.optional("policy", "<spec>", "logging policy: uniform, epsilon-cheapest[:eps], epsilon-strongest[:eps]"),
                FlagSpec.optional("reward-noise", "<sd>", "Gaussian noise on route rewards"),
                FlagSpec.optional("max-candidates", "<n>", "candidate-set size of route events (0 = every model)"),
                FlagSpec.optional("start-date", "<yyyy-MM-dd>", "first day of the log (UTC)"),
                FlagSpec.optional("days", "<n>", "days the events spread over"),
                FlagSpec.optional("partitions", "<n>", "Spark partitions (default: ~1M events per partition); output does not depend on it"),
                FlagSpec.flag("overwrite", "replace an existing --output"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        Config conf = context.config().getConfig("metarouter.simulate");
        long users = flags.getLong("users", 0);
        if (users <= 0) throw CliException.usage("--users must be positive, got " + users);
        UserSplit split;
        try {
            split = UserSplit.fromWire(flags.getOrDefault("profiles", "id").toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--profiles must be id or ood, got '" + flags.get("profiles") + "'");
        }
        long seed = flags.getLong("seed", context.config().getLong("metarouter.seed"));
        UserSimulator.Config events = eventConfig(flags, conf);
        ProfileDistribution.Config profiles = profileConfig(conf);
        if (flags.has("partitions")) flags.getPositiveInt("partitions", 1);

        String outcomesUri = flags.get("outcomes");
        // Checked before Spark starts: the commonest mistake should fail in a second, not after a session start-up.
        if (!HadoopFiles.isDirectory(new Configuration(), new Path(outcomesUri))) {
            throw CliException.failure("--outcomes " + outcomesUri + " does not exist or is not a directory");
        }
        SparkSession spark = context.spark();
        OutcomeTable table;
        ModelCatalog catalog;
        context.progress("reading outcomes from %s", outcomesUri);
        try {
            table = OutcomeDatasets.readTable(spark, outcomesUri);
            catalog = OutcomeDatasets.readCatalog(spark, outcomesUri);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            // InvalidDatasetException (an IllegalArgumentException) names the file and the problem.
            throw CliException.failure(e.getMessage());
        }
        context.progress("%,d queries x %d models (source %s)", table.numQueries(), table.numModels(), catalog.source());

        int partitions = flags.has("partitions") ? flags.getPositiveInt("partitions", 1)
                : SimulationJob.defaultPartitions(spark, users, events.preferences() + events.routes());
        SimulationSpec spec = new SimulationSpec(users, split, seed, events, profiles, partitions);
        SimulationJob.Result result;
        try {
            result = SimulationJob.run(spark, table, catalog, spec, outcomesUri, flags.get("output"), flags.isSet("overwrite"),
                    line -> context.progress("%s", line));
        } catch (SafeOutput.OutputExistsException e) {
            throw CliException.failure(e.getMessage());
        } catch (IllegalArgumentException e) {
            // The table cannot feed the simulator (e.g. no query of the split has two outcomes).
            throw CliException.failure(outcomesUri + ": " + e.getMessage());
        }
        context.progress("wrote %,d events of %,d users in %.1f s (%,.0f events/s, peak RSS %,d MB, peak heap %,d MB) to %s",
                result.events(), result.users(), result.seconds(), result.eventsPerSecond(),
                result.peakRssBytes() >> 20, result.peakHeapBytes() >> 20, flags.get("output"));
    }

    private UserSimulator.Config eventConfig(Flags flags, Config conf) {
        int preferences = flags.getInt("contexts", conf.getInt("contexts"));
        int routes = flags.getInt("routes", conf.getInt("routes"));
        if (preferences < 0) throw CliException.usage("--contexts must be >= 0, got " + preferences);
        if (routes < 0) throw CliException.usage("--routes must be >= 0, got " + routes);
        if (preferences + routes == 0) throw CliException.usage("--contexts and --routes are both 0: nothing to simulate");
        LoggingPolicy policy;
        try {
            policy = LoggingPolicy.parse(flags.getOrDefault("policy", conf.getString("policy")));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--policy: " + e.getMessage());
        }
        double noise = flags.getDouble("reward-noise", conf.getDouble("reward-noise"));
        if (noise < 0) throw CliException.usage("--reward-noise must be >= 0, got " + noise);
        String querySplit = flags.getOrDefault("query-split", conf.getString("query-split"));
        if (!List.of("train", "test", "all").contains(querySplit)) {
            throw CliException.usage("--query-split must be train, test or all, got '" + querySplit + "'");
        }
        int maxCandidates = flags.getInt("max-candidates", conf.getInt("max-candidates"));
        if (maxCandidates < 0 || maxCandidates == 1) {
            throw CliException.usage("--max-candidates must be 0 (every model) or >= 2, got " + maxCandidates);
        }
        String start = flags.getOrDefault("start-date", conf.getString("start-date"));
        LocalDate startDate;
        try {
            startDate = LocalDate.parse(start);
        } catch (DateTimeParseException e) {
            throw CliException.usage("--start-date must be yyyy-MM-dd, got '" + start + "'");
        }
        int days = flags.getInt("days", conf.getInt("days"));
        if (days < 1) throw CliException.usage("--days must be >= 1, got " + days);
        try {
            return new UserSimulator.Config(preferences, routes, policy, noise, querySplit, maxCandidates, startDate, days);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private ProfileDistribution.Config profileConfig(Config conf) {
        try {
            return new ProfileDistribution.Config(conf.getDouble("lambda-min"), conf.getDouble("lambda-max"),
                    conf.getDouble("beta-median"), conf.getDouble("beta-log-sd"), conf.getDoubleList("ood-weights"));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("metarouter.simulate configuration: " + e.getMessage());
        }
    }
}
