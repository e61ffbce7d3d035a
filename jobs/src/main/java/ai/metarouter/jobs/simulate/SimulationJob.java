package ai.metarouter.jobs.simulate;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.SafeOutput;
import ai.metarouter.jobs.io.Schemas;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark side of {@code simulate}. Output directory:
 * <pre>
 * &lt;output&gt;/dt=yyyy-MM-dd/      interaction log (InteractionLogs layout)
 * &lt;output&gt;/users.parquet       one Parquet file, one row per user: the true profile (Schemas.users())
 * &lt;output&gt;/_simulation.json    what was run and how long it took (underscore: Spark readers skip it)
 * </pre>
 * so {@code --logs <output>} reads the log directly. users.parquet is one plain file rather than a
 * Spark output directory: {@code InteractionLogs.read} reads only the dt= directories anyway, but a
 * plain {@code spark.read().parquet(<output>)} would fail on a non-partition directory beside them
 * ("conflicting directory structures"), while its partition discovery skips a file.
 * Everything is written under a staging sibling and renamed into place at the end
 * ({@link SafeOutput}), so a failed run leaves nothing that looks complete.
 */
public final class SimulationJob {
    public static final String USERS_FILE = "users.parquet";
    public static final String REPORT_FILE = "_simulation.json";

    private SimulationJob() {}

    /**
     * What a run produced.
     *
     * @param users users simulated
     * @param events events written (users x events per user)
     * @param partitions Spark partitions the users were spread over
     * @param seconds wall time of the run
     * @param peakRssBytes peak resident memory of this JVM (-1 when unknown)
     * @param peakHeapBytes sum of heap pools' peak usage
     */
    public record Result(long users, long events, int partitions, double seconds, long peakRssBytes, long peakHeapBytes) {
        public double eventsPerSecond() {
            return seconds > 0 ? events / seconds : Double.NaN;
        }
    }

    /** Events per task by default: each task sorts its events by dt before writing, in memory if they fit. */
    public static final long EVENTS_PER_PARTITION = 1_000_000L;

    /** Partitions for {@code users}: about {@link #EVENTS_PER_PARTITION} events per task, at least the default parallelism. */
    public static int defaultPartitions(SparkSession spark, long users, int eventsPerUser) {
        long byEvents = (users * (long) eventsPerUser + EVENTS_PER_PARTITION - 1) / EVENTS_PER_PARTITION;
        long parts = Math.max(spark.sparkContext().defaultParallelism(), byEvents);
        return (int) Math.min(Math.max(1, Math.min(parts, users)), 100_000);
    }

    /**
     * Simulates {@code spec.users()} users over {@code table} and writes the output to {@code outputUri}.
     *
     * @param outcomesUri where the table came from, recorded in the report
     */
    public static Result run(SparkSession spark, OutcomeTable table, ModelCatalog catalog, SimulationSpec spec,
                             String outcomesUri, String outputUri, boolean overwrite, Consumer<String> progress) {
        long started = System.nanoTime();
        // Fail on the driver, before any task starts, when the table cannot feed the simulator.
        new UserSimulator(table, catalog, spec.events(), spec.seed());
        Broadcast<OutcomeSnapshot> input = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(OutcomeSnapshot.of(table, catalog));
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (SafeOutput out = SafeOutput.begin(hadoop, "--output", outputUri, overwrite)) {
            Dataset<Row> events = spark.range(0, spec.users(), 1, spec.partitions())
                    .mapPartitions(new SimulateUsers(input, spec), InteractionEventRows.encoder());
            progress.accept(String.format("simulating %,d %s users x %d events into %d partitions", spec.users(),
                    spec.split().wireName(), spec.events().preferences() + spec.events().routes(), spec.partitions()));
            InteractionLogs.write(events, out.stagingUri());

            progress.accept("writing " + USERS_FILE);
            writeUsers(spark, input, spec, out.staging());

            double seconds = (System.nanoTime() - started) / 1e9;
            Result result = new Result(spec.users(), spec.totalEvents(), spec.partitions(), seconds,
                    ProcessMemory.peakRssBytes(), ProcessMemory.peakHeapBytes());
            HadoopFiles.writeUtf8(hadoop, new Path(out.staging(), REPORT_FILE),
                    report(spec, catalog, outcomesUri, result));
            out.commit();
            return result;
        } finally {
            input.destroy();
        }
    }

    /** Writes users.parquet as one Parquet file beside the dt= directories (see the class comment for why a file). */
    private static void writeUsers(SparkSession spark, Broadcast<OutcomeSnapshot> input, SimulationSpec spec, Path staging) {
        Path tmpDir = new Path(staging, "_users.tmp");
        spark.range(0, spec.users(), 1, 1)
                .mapPartitions(new DrawUsers(input, spec), Encoders.row(Schemas.users()))
                .write().mode(SaveMode.ErrorIfExists).parquet(tmpDir.toString());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = HadoopFiles.fileSystem(hadoop, tmpDir);
        try {
            FileStatus[] parts = fs.listStatus(tmpDir, p -> p.getName().startsWith("part-") && p.getName().endsWith(".parquet"));
            if (parts.length != 1) throw new IOException("expected one users file in " + tmpDir + ", found " + parts.length);
            if (!fs.rename(parts[0].getPath(), new Path(staging, USERS_FILE))) throw new IOException("cannot move " + parts[0].getPath());
            fs.delete(tmpDir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + USERS_FILE + ": " + e.getMessage(), e);
        }
    }

    private static String report(SimulationSpec spec, ModelCatalog catalog, String outcomesUri, Result result) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("outcomes", outcomesUri);
        root.put("source", catalog.source());
        root.putPOJO("models", catalog.ids());
        root.put("seed", spec.seed());
        root.put("users", spec.users());
        root.put("profiles", spec.split().wireName());
        root.put("preferences_per_user", spec.events().preferences());
        root.put("routes_per_user", spec.events().routes());
        root.put("events", result.events());
        root.put("policy", spec.events().policy().wireName());
        root.put("reward_noise_sd", spec.events().rewardNoiseSd());
        root.put("query_split", spec.events().querySplit());
        root.put("max_candidates", spec.events().maxCandidates());
        root.put("start_date", spec.events().startDate().toString());
        root.put("days", spec.events().days());
        ObjectNode profiles = root.putObject("profile_distribution");
        profiles.put("lambda_min", spec.profiles().lambdaMin());
        profiles.put("lambda_max", spec.profiles().lambdaMax());
        profiles.put("beta_median", spec.profiles().betaMedian());
        profiles.put("beta_log_sd", spec.profiles().betaLogSd());
        profiles.putPOJO("ood_weights", spec.profiles().oodWeights());
        root.put("partitions", result.partitions());
        root.put("seconds", result.seconds());
        root.put("events_per_second", result.eventsPerSecond());
        root.put("peak_rss_bytes", result.peakRssBytes());
        root.put("peak_heap_bytes", result.peakHeapBytes());
        try {
            return json.writeValueAsString(root);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write the simulation report", e);
        }
    }

    /** One partition of users -> their events, lazily: a task holds one user's events at a time. */
    static final class SimulateUsers implements MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<OutcomeSnapshot> input;
        private final SimulationSpec spec;

        SimulateUsers(Broadcast<OutcomeSnapshot> input, SimulationSpec spec) {
            this.input = input;
            this.spec = spec;
        }

        @Override
        public Iterator<Row> call(Iterator<Long> userIndices) {
            OutcomeSnapshot snapshot = input.value();
            UserSimulator simulator = new UserSimulator(snapshot.table(), snapshot.catalog(), spec.events(), spec.seed());
            ProfileDistribution profiles = new ProfileDistribution(spec.profiles(), simulator.costScale(), spec.seed());
            return new Iterator<>() {
                private Iterator<InteractionEvent> current = Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && userIndices.hasNext()) {
                        String userId = ProfileDistribution.userId(spec.split(), userIndices.next());
                        current = simulator.simulate(profiles.draw(userId, spec.split())).iterator();
                    }
                    return current.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return InteractionEventRows.toRow(current.next());
                }
            };
        }
    }

    /** One partition of user indices -> users.parquet rows. */
    static final class DrawUsers implements MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<OutcomeSnapshot> input;
        private final SimulationSpec spec;

        DrawUsers(Broadcast<OutcomeSnapshot> input, SimulationSpec spec) {
            this.input = input;
            this.spec = spec;
        }

        @Override
        public Iterator<Row> call(Iterator<Long> userIndices) {
            ProfileDistribution profiles = new ProfileDistribution(spec.profiles(), input.value().catalog().costScale(), spec.seed());
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return userIndices.hasNext();
                }

                @Override
                public Row next() {
                    String userId = ProfileDistribution.userId(spec.split(), userIndices.next());
                    return UserRows.toRow(profiles.draw(userId, spec.split()));
                }
            };
        }
    }
}
