package ai.metarouter.jobs.generate;

import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import ai.metarouter.core.sim.SyntheticBenchmark;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.io.SafeOutput;
import ai.metarouter.jobs.io.Schemas;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code metarouter generate-benchmark --output <dir> [--queries N --models K --seed S]}: writes a
 * synthetic outcome dataset ({@code outcomes/} + {@code models.json}, source "synthetic").
 * Defaults come from {@code metarouter.generate} in the configuration.
 */
public final class GenerateBenchmarkCommand implements Command {
    /** Beyond this the in-memory table and the driver-side rows stop being cheap. */
    static final int MAX_QUERIES = 1_000_000;

    @Override
    public String name() {
        return "generate-benchmark";
    }

    @Override
    public String summary() {
        return "write a synthetic outcome table and model catalog (the embedded default data)";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("output", "<dir>", "outcome dataset directory to create"),
                FlagSpec.optional("queries", "<N>", "number of queries (default metarouter.generate.queries)"),
                FlagSpec.optional("models", "<K>", "number of models, 2.." + SyntheticBenchmark.Config.MAX_MODELS
                        + " (default metarouter.generate.models)"),
                FlagSpec.optional("seed", "<S>", "random seed (default metarouter.seed)"),
                FlagSpec.optional("test-fraction", "<f>", "share of queries in the test split (default metarouter.generate.test-fraction)"),
                FlagSpec.flag("binary", "0/1 correctness instead of graded quality (RouterBench-like)"),
                FlagSpec.flag("overwrite", "replace an existing --output"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        Config conf = context.config();
        int queries = flags.getPositiveInt("queries", conf.getInt("metarouter.generate.queries"));
        if (queries > MAX_QUERIES) throw CliException.usage("--queries must be at most " + MAX_QUERIES + ", got " + queries);
        int models = flags.getPositiveInt("models", conf.getInt("metarouter.generate.models"));
        if (models < 2 || models > SyntheticBenchmark.Config.MAX_MODELS) {
            throw CliException.usage("--models must be in [2, " + SyntheticBenchmark.Config.MAX_MODELS + "], got " + models);
        }
        long seed = flags.getLong("seed", conf.getLong("metarouter.seed"));
        double testFraction = flags.getDouble("test-fraction", conf.getDouble("metarouter.generate.test-fraction"));
        if (!(testFraction >= 0 && testFraction < 1)) throw CliException.usage("--test-fraction must be in [0, 1), got " + testFraction);
        SyntheticBenchmark.Config config;
        try {
            config = new SyntheticBenchmark.Config(queries, models, seed, testFraction,
                    flags.isSet("binary") ? SyntheticBenchmark.QualityMode.BINARY : SyntheticBenchmark.QualityMode.GRADED);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        String output = flags.get("output");

        context.progress("generating %,d queries x %d models (seed %d)", queries, models, seed);
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(config);
        SparkSession spark = context.spark();
        try {
            OutcomeDatasets.writeSafely(spark, toRows(spark, data.outcomes()), data.catalog(), output, flags.isSet("overwrite"));
        } catch (SafeOutput.OutputExistsException e) {
            throw CliException.failure(e.getMessage());
        }
        context.progress("wrote %,d outcome rows and models.json to %s", (long) queries * models, output);
    }

    /** The table in the outcomes/ row form, query-major. */
    static Dataset<Row> toRows(SparkSession spark, OutcomeTable table) {
        List<Row> rows = new ArrayList<>(table.numQueries() * table.numModels());
        for (int i = 0; i < table.numQueries(); i++) {
            QueryRecord q = table.query(i);
            for (int m = 0; m < table.numModels(); m++) {
                if (!table.has(i, m)) continue;
                rows.add(RowFactory.create(q.id(), q.task(), q.prompt(), q.split(), table.model(m), table.quality(i, m), table.cost(i, m)));
            }
        }
        return spark.createDataFrame(rows, Schemas.outcomes());
    }
}
