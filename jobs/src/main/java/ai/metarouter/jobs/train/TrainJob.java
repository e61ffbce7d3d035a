package ai.metarouter.jobs.train;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.LatestMissingException;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.artifact.ManifestDraft;
import ai.metarouter.core.artifact.TensorBundle;
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
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train} job from data to published version: {@link #run} reads the outcome dataset
 * and the log slice, resolves the warm start, calls {@link #train} (outcome predictor, split by
 * user, resume, outer loop, the version's contents) and publishes the result. {@link #train} is
 * also what the MLlib estimator ({@code ai.metarouter.jobs.ml.MetaRouterEstimator}) runs, so a
 * {@code fit} and a {@code train} on the same data and settings produce the same artifact.
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

    /**
     * The data one training run reads, however it was obtained: the {@code train} command reads
     * directories, the MLlib estimator ({@code ai.metarouter.jobs.ml.MetaRouterEstimator}) is handed
     * a DataFrame.
     *
     * @param logs interaction-log rows (the columns of {@code Schemas.interactionLog()}; {@code dt} is not read)
     * @param table the outcome table the outcome predictor is fitted on (its train split)
     * @param catalog the model catalog of the outcome table
     * @param logsLabel where the log came from, for messages and the training log
     * @param outcomesLabel where the outcomes came from, for messages and the training log
     * @param from first dt read (inclusive), or null when the log was not cut by date
     * @param to last dt read (inclusive), or null
     * @param identity what identifies the inputs for the checkpoint fingerprint (qualified locations, range);
     *        the initial model, the warm-start version and the data counts are added to it
     */
    public record Source(Dataset<Row> logs, OutcomeTable table, ModelCatalog catalog, String logsLabel, String outcomesLabel,
                         LocalDate from, LocalDate to, Map<String, Object> identity) {
        public Source {
            identity = Collections.unmodifiableMap(new LinkedHashMap<>(identity));
        }
    }

    /**
     * A trained version before it is published: the model and every file of its artifact, exactly
     * what {@link #run} publishes (the MLlib model keeps these and publishes them when saved).
     *
     * @param model the trained model
     * @param draft the manifest draft (feature spec, catalog, data range, training config, final metrics)
     * @param extraFiles the files besides the weights ({@link ArtifactLayout#TRAINING_LOG_FILE})
     * @param stats the split-by-user counts
     * @param log every iteration (resumed ones included)
     * @param resumedFrom the iteration the run resumed at (0 for a fresh run)
     * @param warmStartVersion the registry version the meta-parameters started from, or null
     * @param prepareSeconds wall time of fitting the predictor and splitting by user
     * @param trainSeconds wall time of the outer loop (this process)
     * @param partitions partitions of the persisted user tasks
     * @param persistedBytes bytes of the persisted tasks {in executor memory, on executor disk} after splitting
     * @param checkpoints the run's checkpoints, or null when it wrote none; clear them once the result is safe
     */
    public record Trained(MetaRouterModel model, ManifestDraft draft, Map<String, byte[]> extraFiles, PreparationStats stats,
                          List<IterationRecord> log, int resumedFrom, Integer warmStartVersion, double prepareSeconds,
                          double trainSeconds, int partitions, long[] persistedBytes, TrainCheckpoints checkpoints) {
        /** The weights bundle of the trained model. */
        public TensorBundle weights() {
            return RouterArtifacts.weights(model);
        }
    }

    /** Runs the job; one-line problems surface as {@link TrainException}. */
    public static Result run(SparkSession spark, TrainSettings settings, Request request, Consumer<String> progress) throws IOException {
        try (ArtifactRegistry registry = ArtifactRegistry.open(request.registry())) {
            progress.accept("reading outcomes from " + request.outcomes());
            OutcomeTable table = OutcomeDatasets.readTable(spark, request.outcomes());
            ModelCatalog catalog = OutcomeDatasets.readCatalog(spark, request.outcomes());
            LoadedArtifact warmStart = null;
            if (request.warmStart()) {
                Optional<LoadedArtifact> latest = latest(registry);
                if (latest.isPresent()) {
                    warmStart = latest.get();
                } else {
                    progress.accept("warm start: " + registry.uri() + " has no LATEST yet, starting from the seeded initialisation");
                }
            }
            Dataset<Row> logs = InteractionLogs.read(spark, request.logs(), request.from(), request.to());
            var conf = spark.sparkContext().hadoopConfiguration();
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("logs", HadoopFiles.qualify(conf, request.logs()).toString());
            identity.put("from", String.valueOf(request.from()));
            identity.put("to", String.valueOf(request.to()));
            identity.put("outcomes", HadoopFiles.qualify(conf, request.outcomes()).toString());
            Source source = new Source(logs, table, catalog, request.logs(), request.outcomes(), request.from(), request.to(), identity);
            Function<String, String> checkpointDir = request.checkpointDir() != null ? fingerprint -> request.checkpointDir()
                    : fingerprint -> new org.apache.hadoop.fs.Path(HadoopFiles.qualify(conf, request.registry()),
                            "_checkpoints/train-" + fingerprint.substring(0, 16)).toString();

            Trained t = train(spark, settings, source, warmStart, checkpointDir, progress);

            int version = registry.publish(t.draft(), t.weights(), t.extraFiles());
            progress.accept("published " + registry.uri() + " v" + version);
            if (t.checkpoints() != null) t.checkpoints().clear();
            return new Result(version, t.model(), t.stats(), t.log(), t.resumedFrom(), t.prepareSeconds(), t.trainSeconds(),
                    t.partitions(), t.persistedBytes());
        }
    }

    /**
     * Meta-training from data to an unpublished version, the one function behind both the
     * {@code train} command ({@link #run}) and the MLlib estimator:
     * <ol>
     *   <li>fit the outcome predictor on the driver from the outcome table's train split and seed
     *       the meta-parameters ({@link ReferenceTrainer#initialModel}, the same code the reference
     *       trainer runs); with {@code warmStart}, take its meta-parameters;</li>
     *   <li>split the log by user ({@link UserTasks#prepare}): capped, counted, persisted tasks;</li>
     *   <li>resume from the newest checkpoint of the same run, if any ({@link TrainCheckpoints});</li>
     *   <li>the outer loop ({@link SparkMetaTrainer}), checkpointing every {@code checkpoint-every}
     *       iterations;</li>
     *   <li>assemble the version ({@link RouterArtifacts}: weights, manifest draft with feature spec,
     *       catalog, data range, training config and final metrics, plus the JSON training log).</li>
     * </ol>
     *
     * @param warmStart the version whose meta-parameters to start from, or null for the seeded initialisation
     * @param checkpointDir the checkpoint directory of a run with the given fingerprint, or null to write no checkpoints
     */
    public static Trained train(SparkSession spark, TrainSettings requested, Source source, LoadedArtifact warmStart,
                                Function<String, String> checkpointDir, Consumer<String> progress) {
        long t0 = System.nanoTime();
        // 1. Outcome predictor and initial meta-parameters.
        progress.accept(String.format("fitting the outcome predictor on %,d queries x %d models", source.table().split("train").numQueries(),
                source.table().numModels()));
        MetaRouterModel initial = new ReferenceTrainer(requested.trainer()).initialModel(source.table(), source.catalog());
        if (!Arrays.equals(initial.basis().qualityKnots(), requested.trainer().basis().qualityKnots())) {
            progress.accept("pass/fail quality: the utility basis drops its quality knots (" + initial.basis().names() + ")");
        }
        // Executors, checkpoints and the manifest must all see the basis the model really has.
        final TrainSettings settings = requested.withTrainer(requested.trainer().withBasis(initial.basis()));
        Integer warmFrom = null;
        if (warmStart != null) {
            initial = warmStart(initial, warmStart);
            warmFrom = warmStart.version();
            progress.accept("warm start from " + warmStart.registry() + " v" + warmFrom);
        }

        // 2. Split by user.
        Dataset<Row> logs = source.logs();
        String range = range(source.from(), source.to());
        int partitions = settings.partitions() > 0 ? settings.partitions() : defaultPartitions(spark, logs);
        progress.accept("splitting " + source.logsLabel() + range + " by user into " + partitions + " partitions");
        UserTasks users = UserTasks.prepare(spark, logs, initial, settings, partitions);
        PreparationStats stats = users.stats();
        if (stats.users() == 0) {
            users.unpersist();
            throw new TrainException("interaction log " + source.logsLabel() + range + " has no events");
        }
        progress.accept(String.format("users: %,d read, %,d admitted, %,d with too few events, %,d with nothing to score, %,d capped "
                + "(max %,d events); events: %,d read, %,d trained on, %,d skipped",
                stats.users(), stats.admittedUsers(), stats.tooFewEvents(), stats.nothingToScore(), stats.cappedUsers(),
                stats.maxUserEvents(), stats.eventsRead(), stats.admittedEvents(), stats.skippedEvents()));
        long[] persisted = users.persistedBytes();
        progress.accept(String.format("persisted tasks: %,d MB in executor memory, %,d MB on executor disk, %d partitions; "
                + "decoded tasks %s", persisted[0] >> 20, persisted[1] >> 20, users.partitions(),
                users.decodedInMemory() ? "kept in memory between iterations" : "decoded on each pass (they would not fit in memory)"));
        if (stats.admittedUsers() == 0) {
            users.unpersist();
            throw new TrainException("no user in " + source.logsLabel() + range + " has enough data to train on (" + stats.users()
                    + " users: " + stats.tooFewEvents() + " with fewer than " + settings.users().minEvents() + " usable events, "
                    + stats.nothingToScore() + " with nothing to score)");
        }

        // 3. Resume.
        TrainCheckpoints checkpoints = null;
        TrainState start = TrainState.start(initial.metaParameters());
        if (checkpointDir != null) {
            String fingerprint = settings.fingerprint(identity(source, initial, stats, warmFrom));
            checkpoints = new TrainCheckpoints(spark.sparkContext().hadoopConfiguration(), checkpointDir.apply(fingerprint), fingerprint);
            start = checkpoints.latest().orElse(start);
            if (start.nextIteration() > 0) {
                progress.accept("resuming at iteration " + start.nextIteration() + " from " + checkpoints.directory());
            }
        }
        double prepareSeconds = (System.nanoTime() - t0) / 1e9;

        // 4. The outer loop.
        long t1 = System.nanoTime();
        SparkMetaTrainer trainer = new SparkMetaTrainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), settings, users,
                initial.metaParameters().dims());
        int every = settings.checkpointEvery();
        TrainCheckpoints saveTo = checkpoints;
        TrainState end;
        try {
            end = trainer.train(start, r -> progress.accept(r.progressLine()), s -> {
                if (saveTo != null && every > 0 && s.nextIteration() % every == 0 && s.nextIteration() < settings.trainer().iterations()) {
                    saveTo.save(s);
                }
            });
        } finally {
            users.unpersist();
        }
        double trainSeconds = (System.nanoTime() - t1) / 1e9;

        // 5. The version's contents.
        MetaRouterModel model = initial.withMetaParameters(end.params());
        LocalDate from = source.from() != null ? source.from() : stats.firstDate();
        LocalDate to = source.to() != null ? source.to() : stats.lastDate();
        if (to.isBefore(from)) to = from;
        Manifest.TrainingData data = new Manifest.TrainingData(from, to, stats.admittedUsers(), stats.admittedEvents());
        ObjectNode config = settings.toJson();
        config.put("warm_start_version", warmFrom);
        config.put("spark_partitions", users.partitions());
        ObjectNode metrics = metrics(settings, end.log(), stats);
        byte[] trainingLog = trainingLog(settings, source, stats, end.log(), start.nextIteration(), warmFrom, prepareSeconds, trainSeconds);
        return new Trained(model, RouterArtifacts.draft(model, data, config, metrics), Map.of(ArtifactLayout.TRAINING_LOG_FILE, trainingLog),
                stats, end.log(), start.nextIteration(), warmFrom, prepareSeconds, trainSeconds, users.partitions(), persisted, checkpoints);
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

    /** What makes two runs the same run (besides the settings): the source's identity, initial model, data counts. */
    private static Map<String, Object> identity(Source source, MetaRouterModel initial, PreparationStats stats, Integer warmFrom) {
        Map<String, Object> id = new LinkedHashMap<>(source.identity());
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
    static byte[] trainingLog(TrainSettings settings, Source source, PreparationStats stats, List<IterationRecord> log, int resumedFrom,
                              Integer warmFrom, double prepareSeconds, double trainSeconds) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", 1);
        root.put("optimizer", settings.optimizer().wireName());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("logs", source.logsLabel());
        data.put("outcomes", source.outcomesLabel());
        data.put("from", source.from() == null ? null : source.from().toString());
        data.put("to", source.to() == null ? null : source.to().toString());
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
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the training log", e);
        }
    }

    private static String range(LocalDate from, LocalDate to) {
        if (from == null && to == null) return "";
        return " [" + (from == null ? "..." : from) + " .. " + (to == null ? "..." : to) + "]";
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
