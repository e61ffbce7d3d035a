package ai.metarouter.jobs.train;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.LatestMissingException;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.artifact.TensorBundleCodec;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.learn.IterationLog;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.OutcomeDatasets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train} job from data to published version, top to bottom:
 * <ol>
 *   <li>fit the outcome predictor on the driver from the outcome dataset's train split and seed
 *       the meta-parameters ({@link ReferenceTrainer#initialModel}, the same code the reference
 *       trainer runs); with warm start, take the meta-parameters of the registry's LATEST;</li>
 *   <li>read the log slice and split it by user ({@link UserTasks#prepare}): capped, counted,
 *       persisted tasks;</li>
 *   <li>resume from the newest checkpoint of the same run, if any ({@link TrainCheckpoints});</li>
 *   <li>the outer loop ({@link SparkMetaTrainer}), checkpointing every {@code checkpoint-every}
 *       iterations;</li>
 *   <li>publish the artifact ({@link RouterArtifacts}: weights, manifest with feature spec,
 *       catalog, data range, training config and final metrics, plus the JSON training log) and
 *       remove the checkpoints.</li>
 * </ol>
 * A failure before publishing leaves the registry unchanged (the registry publishes a complete,
 * verified version or nothing).
 */
public final class TrainJob {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainJob() {}

    /**
     * What to train on and where to publish.
     *
     * @param logs interaction-log directory (dt= partitions)
     * @param outcomes outcome dataset directory
     * @param registry artifact registry URI
     * @param from first dt to read (inclusive), or null for all
     * @param to last dt to read (inclusive), or null for all
     * @param warmStart start from the meta-parameters of the registry's LATEST
     * @param checkpointDir checkpoint directory, or null for {@code <registry>/_checkpoints/train-<fingerprint>}
     */
    public record Request(String logs, String outcomes, String registry, LocalDate from, LocalDate to, boolean warmStart,
                          String checkpointDir) {}

    /**
     * What a run did.
     *
     * @param version the published version
     * @param model the trained model
     * @param stats the split-by-user counts
     * @param log every iteration (resumed ones included)
     * @param resumedFrom the iteration the run resumed at (0 for a fresh run)
     * @param prepareSeconds wall time of fitting the predictor and splitting by user
     * @param trainSeconds wall time of the outer loop (this process)
     * @param partitions partitions of the persisted user tasks
     * @param persistedBytes bytes of the persisted tasks {in executor memory, on executor disk} after splitting
     */
    public record Result(int version, MetaRouterModel model, PreparationStats stats, List<IterationRecord> log, int resumedFrom,
                         double prepareSeconds, double trainSeconds, int partitions, long[] persistedBytes) {}

    /** Runs the job; one-line problems surface as {@link TrainException}. */
    public static Result run(SparkSession spark, TrainSettings requested, Request request, Consumer<String> progress) throws IOException {
        long t0 = System.nanoTime();
        try (ArtifactRegistry registry = ArtifactRegistry.open(request.registry())) {
            // 1. Outcome predictor and initial meta-parameters.
            progress.accept("reading outcomes from " + request.outcomes());
            OutcomeTable table = OutcomeDatasets.readTable(spark, request.outcomes());
            ModelCatalog catalog = OutcomeDatasets.readCatalog(spark, request.outcomes());
            progress.accept(String.format("fitting the outcome predictor on %,d queries x %d models", table.split("train").numQueries(),
                    table.numModels()));
            MetaRouterModel initial = new ReferenceTrainer(requested.trainer()).initialModel(table, catalog);
            if (!Arrays.equals(initial.basis().qualityKnots(), requested.trainer().basis().qualityKnots())) {
                progress.accept("pass/fail quality: the utility basis drops its quality knots (" + initial.basis().names() + ")");
            }
            // Executors, checkpoints and the manifest must all see the basis the model really has.
            final TrainSettings settings = requested.withTrainer(requested.trainer().withBasis(initial.basis()));
            Integer warmFrom = null;
            if (request.warmStart()) {
                Optional<LoadedArtifact> latest = latest(registry);
                if (latest.isPresent()) {
                    initial = warmStart(initial, latest.get());
                    warmFrom = latest.get().version();
                    progress.accept("warm start from " + registry.uri() + " v" + warmFrom);
                } else {
                    progress.accept("warm start: " + registry.uri() + " has no LATEST yet, starting from the seeded initialisation");
                }
            }

            // 2. Split by user.
            Dataset<Row> logs = InteractionLogs.read(spark, request.logs(), request.from(), request.to());
            int partitions = settings.partitions() > 0 ? settings.partitions() : defaultPartitions(spark, logs);
            progress.accept("splitting " + request.logs() + range(request) + " by user into " + partitions + " partitions");
            UserTasks users = UserTasks.prepare(spark, logs, initial, settings, partitions);
            PreparationStats stats = users.stats();
            if (stats.users() == 0) {
                throw new TrainException("interaction log " + request.logs() + range(request) + " has no events");
            }
            progress.accept(String.format("users: %,d read, %,d admitted, %,d with too few events, %,d with nothing to score, %,d capped "
                    + "(max %,d events); events: %,d read, %,d trained on, %,d skipped",
                    stats.users(), stats.admittedUsers(), stats.tooFewEvents(), stats.nothingToScore(), stats.cappedUsers(),
                    stats.maxUserEvents(), stats.eventsRead(), stats.admittedEvents(), stats.skippedEvents()));
            long[] persisted = users.persistedBytes();
            progress.accept(String.format("persisted tasks: %,d MB in executor memory, %,d MB on executor disk, %d partitions",
                    persisted[0] >> 20, persisted[1] >> 20, users.partitions()));
            if (stats.admittedUsers() == 0) {
                throw new TrainException("no user in " + request.logs() + range(request) + " has enough data to train on (" + stats.users()
                        + " users: " + stats.tooFewEvents() + " with fewer than " + settings.users().minEvents() + " usable events, "
                        + stats.nothingToScore() + " with nothing to score)");
            }

            // 3. Resume.
            String fingerprint = settings.fingerprint(identity(request, initial, stats, warmFrom, spark));
            String ckptDir = request.checkpointDir() != null ? request.checkpointDir()
                    : new org.apache.hadoop.fs.Path(HadoopFiles.qualify(spark.sparkContext().hadoopConfiguration(), request.registry()),
                            "_checkpoints/train-" + fingerprint.substring(0, 16)).toString();
            TrainCheckpoints checkpoints = new TrainCheckpoints(spark.sparkContext().hadoopConfiguration(), ckptDir, fingerprint);
            TrainState start = checkpoints.latest().orElse(TrainState.start(initial.metaParameters()));
            if (start.nextIteration() > 0) {
                progress.accept("resuming at iteration " + start.nextIteration() + " from " + checkpoints.directory());
            }
            double prepareSeconds = (System.nanoTime() - t0) / 1e9;

            // 4. The outer loop.
            long t1 = System.nanoTime();
            SparkMetaTrainer trainer = new SparkMetaTrainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), settings, users,
                    initial.metaParameters().dims());
            int every = settings.checkpointEvery();
            TrainState end = trainer.train(start, r -> progress.accept(r.progressLine()), s -> {
                if (every > 0 && s.nextIteration() % every == 0 && s.nextIteration() < settings.trainer().iterations()) checkpoints.save(s);
            });
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            users.unpersist();

            // 5. Publish.
            MetaRouterModel model = initial.withMetaParameters(end.params());
            LocalDate from = request.from() != null ? request.from() : stats.firstDate();
            LocalDate to = request.to() != null ? request.to() : stats.lastDate();
            if (to.isBefore(from)) to = from;
            Manifest.TrainingData data = new Manifest.TrainingData(from, to, stats.admittedUsers(), stats.admittedEvents());
            ObjectNode config = settings.toJson();
            config.put("warm_start_version", warmFrom);
            config.put("spark_partitions", users.partitions());
            ObjectNode metrics = metrics(settings, end.log(), stats);
            byte[] trainingLog = trainingLog(settings, request, stats, end.log(), start.nextIteration(), warmFrom, prepareSeconds, trainSeconds);
            int version = registry.publish(RouterArtifacts.draft(model, data, config, metrics), RouterArtifacts.weights(model),
                    Map.of(ArtifactLayout.TRAINING_LOG_FILE, trainingLog));
            progress.accept("published " + registry.uri() + " v" + version);
            checkpoints.clear();
            return new Result(version, model, stats, end.log(), start.nextIteration(), prepareSeconds, trainSeconds, users.partitions(),
                    persisted);
        }
    }

    /**
     * Partitions of the user tasks when not configured: the log's input splits (so a partition
     * holds what one split held), at least the default parallelism, rounded up to a multiple of
     * it. Every outer iteration runs one task per partition; with a multiple of the cores the last
     * wave of tasks keeps every core busy (5 partitions on 2 cores would leave one core idle for a
     * third of each iteration).
     */
    static int defaultPartitions(SparkSession spark, Dataset<Row> logs) {
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        int splits = Math.max(cores, logs.rdd().getNumPartitions());
        return (splits + cores - 1) / cores * cores;
    }

    /** LATEST's version, or empty when nothing was promoted yet. */
    private static Optional<LoadedArtifact> latest(ArtifactRegistry registry) throws IOException {
        try {
            return Optional.of(registry.latest());
        } catch (LatestMissingException e) {
            return Optional.empty();
        }
    }

    /** The initial model with LATEST's meta-parameters (the outcome predictor is refitted on the current outcomes). */
    static MetaRouterModel warmStart(MetaRouterModel initial, LoadedArtifact latest) {
        MetaRouterModel previous = RouterArtifacts.load(latest);
        if (!previous.metaParameters().dims().equals(initial.metaParameters().dims()) || !previous.basis().equals(initial.basis())) {
            throw new TrainException("warm start: " + latest.registry() + " v" + latest.version() + " has meta dimensions "
                    + previous.metaParameters().dims() + " over " + previous.basis() + ", this configuration "
                    + initial.metaParameters().dims() + " over " + initial.basis());
        }
        return initial.withMetaParameters(previous.metaParameters());
    }

    /** What makes two runs the same run (besides the settings): input locations, range, initial model, data counts. */
    private static Map<String, Object> identity(Request r, MetaRouterModel initial, PreparationStats stats, Integer warmFrom,
                                                SparkSession spark) {
        Map<String, Object> id = new LinkedHashMap<>();
        var conf = spark.sparkContext().hadoopConfiguration();
        id.put("logs", HadoopFiles.qualify(conf, r.logs()).toString());
        id.put("from", String.valueOf(r.from()));
        id.put("to", String.valueOf(r.to()));
        id.put("outcomes", HadoopFiles.qualify(conf, r.outcomes()).toString());
        id.put("warm_start_version", warmFrom);
        id.put("initial_model_sha256", sha256(TensorBundleCodec.encode(RouterArtifacts.weights(initial))));
        id.put("data", stats.toMap());
        return id;
    }

    /** Deterministic final metrics for the manifest (timings live in the training log). */
    static ObjectNode metrics(TrainSettings settings, List<IterationRecord> log, PreparationStats stats) {
        ObjectNode m = JSON.createObjectNode();
        m.put("optimizer", settings.optimizer().wireName());
        m.put("iterations", log.size());
        if (!log.isEmpty()) {
            IterationLog last = log.get(log.size() - 1).log();
            m.put("final_loss", last.meanLoss());
            m.put("final_utility_ips", last.meanIpsValue());
            m.put("final_pair_log_likelihood", last.meanPairLogLikelihood());
            m.put("final_grad_norm", last.gradNorm());
            m.put("final_entropy", last.meanEntropy());
        }
        m.put("users_trained", stats.admittedUsers());
        m.put("users_skipped", stats.rejectedUsers());
        m.put("events_trained", stats.admittedEvents());
        return m;
    }

    /** The JSON training log stored in the artifact ({@link ArtifactLayout#TRAINING_LOG_FILE}). */
    static byte[] trainingLog(TrainSettings settings, Request request, PreparationStats stats, List<IterationRecord> log, int resumedFrom,
                              Integer warmFrom, double prepareSeconds, double trainSeconds) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", 1);
        root.put("optimizer", settings.optimizer().wireName());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("logs", request.logs());
        data.put("outcomes", request.outcomes());
        data.put("from", request.from() == null ? null : request.from().toString());
        data.put("to", request.to() == null ? null : request.to().toString());
        data.putAll(stats.toMap());
        root.put("data", data);
        root.put("warm_start_version", warmFrom);
        root.put("resumed_from_iteration", resumedFrom);
        root.put("prepare_seconds", prepareSeconds);
        root.put("train_seconds", trainSeconds);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (IterationRecord r : log) lines.add(r.toMap());
        root.put("iterations", lines);
        root.put("settings", settings.toMap());
        return JSON.writeValueAsBytes(root);
    }

    private static String range(Request r) {
        if (r.from() == null && r.to() == null) return "";
        return " [" + (r.from() == null ? "..." : r.from()) + " .. " + (r.to() == null ? "..." : r.to()) + "]";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A problem with the job's input or state, reported as one line. */
    public static final class TrainException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TrainException(String message) {
            super(message);
        }
    }
}
