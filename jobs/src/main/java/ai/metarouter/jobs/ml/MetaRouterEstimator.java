package ai.metarouter.jobs.ml;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.train.TrainJob;
import ai.metarouter.jobs.train.TrainSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MetaRouter's distributed meta-training as an MLlib {@code Estimator}: {@link #fit} on an
 * interaction-log DataFrame runs {@link TrainJob#train}, the function behind the {@code train}
 * command, and returns a {@link MetaRouterModel} whose artifact is the one {@code train} would
 * publish for the same data and settings.
 *
 * <p><b>Input.</b> The interaction log (data-schemas/interaction-log.schema.json, what
 * {@code simulate} writes and {@code ingest} produces from serve's logs): {@code event_id,
 * user_id, ts (timestamp), event_type, query} are required; the other log columns ({@code
 * candidates, model, propensity, quality, cost_usd, reward, model_a, ..., preferred, ...}) are
 * read when present and null otherwise; types must be the log's exactly; {@code dt} and any other
 * column are ignored. {@code userCol}, {@code queryCol}, {@code eventIdCol} and
 * {@code candidatesCol} ({@link RoutingParams}) name the user, query, event id and candidates
 * columns, so a model fitted on a log routes DataFrames with the same column names.
 *
 * <p><b>Outcomes.</b> The outcome predictor is fitted on an outcome dataset's train split, named
 * by the {@code outcomesPath} Param: the directory {@code import-routerbench} or
 * {@code generate-benchmark} writes ({@code outcomes/} Parquet and the {@code models.json}
 * catalog), any Hadoop file system URI. A path rather than a second DataFrame because it is a
 * Param: it is saved with a Pipeline, so a reloaded Pipeline refits on the same kind of input
 * (a scheduled retraining), and it brings the model catalog (prices) with it.
 *
 * <p><b>Params.</b> The training settings a user tunes are Params (defaults: {@code
 * metarouter.train} of conf/metarouter.conf, the {@code train} command's defaults):
 * {@code optimizer} (adam|lbfgs), {@code maxIter}, {@code usersPerIteration},
 * {@code userSampleRate}, {@code seed}, {@code stepSize}, {@code maxGradNorm}, {@code tol},
 * {@code lbfgsMemory}, {@code aggregationDepth}, {@code numPartitions}, {@code checkpointInterval},
 * {@code checkpointDir}, {@code maxEventsPerUser}, {@code minEventsPerUser},
 * {@code userWeighting}, {@code entropyWeight}, {@code pairWeight}, {@code ipsWeight},
 * {@code kMax}, {@code contextNoise}, {@code flipProbability}, {@code zNoise}, {@code hiddenSize},
 * {@code latentDim}, {@code innerSteps}, {@code numFeatures}, {@code maxNgram},
 * {@code outcomeRank}, {@code outcomeMaxIter}, {@code outcomeStepSize}; every other key of
 * {@code metarouter.train} can be set through {@code trainConfig} (HOCON, e.g.
 * {@code "adam.beta2 = 0.99\nmodel.cost-knots = [0.3, 0.6]"}). {@code explainParams()} lists them
 * with their docs. Values are validated when set (MLlib {@code ParamValidators}) and together when
 * {@code fit} builds the training settings.
 *
 * <p>Checkpoints: with {@code checkpointDir} set, the outer loop saves its state every
 * {@code checkpointInterval} iterations under {@code <checkpointDir>/train-<fingerprint>} and a
 * {@code fit} of the same settings, outcomes and data (the same per-user counts and dates) resumes
 * from it; they are removed when {@code fit} returns.
 *
 * <p>Persistence: {@code DefaultParamsWritable} (the Params; {@link #load}), so a Pipeline holding
 * the estimator saves and loads.
 */
public final class MetaRouterEstimator extends Estimator<MetaRouterModel> implements RoutingParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetaRouterEstimator.class);

    private final String uid;
    private final RoutingParams.Definitions routing;
    /** Each training Param and the {@code metarouter.train} key it sets. */
    private final Map<Param<?>, String> trainKeys = new LinkedHashMap<>();

    private final Param<String> outcomesPath;
    private final Param<String> optimizer;
    private final IntParam maxIter;
    private final IntParam usersPerIteration;
    private final DoubleParam userSampleRate;
    private final LongParam seed;
    private final DoubleParam stepSize;
    private final DoubleParam maxGradNorm;
    private final DoubleParam tol;
    private final IntParam lbfgsMemory;
    private final IntParam aggregationDepth;
    private final IntParam numPartitions;
    private final IntParam checkpointInterval;
    private final Param<String> checkpointDir;
    private final IntParam maxEventsPerUser;
    private final IntParam minEventsPerUser;
    private final Param<String> userWeighting;
    private final DoubleParam entropyWeight;
    private final DoubleParam pairWeight;
    private final DoubleParam ipsWeight;
    private final IntParam kMax;
    private final DoubleParam contextNoise;
    private final DoubleParam flipProbability;
    private final DoubleParam zNoise;
    private final IntParam hiddenSize;
    private final IntParam latentDim;
    private final IntParam innerSteps;
    private final IntParam numFeatures;
    private final IntParam maxNgram;
    private final IntParam outcomeRank;
    private final IntParam outcomeMaxIter;
    private final DoubleParam outcomeStepSize;
    private final Param<String> trainConfig;

    public MetaRouterEstimator() {
        this(Identifiable.randomUID("metaRouterEstimator"));
    }

    /** With a given uid (MLlib's reader instantiates stages with this constructor). */
    public MetaRouterEstimator(String uid) {
        this.uid = uid;
        this.routing = new RoutingParams.Definitions(this);
        outcomesPath = new Param<>(this, "outcomesPath", "outcome dataset directory (outcomes/ + models.json, as import-routerbench "
                + "or generate-benchmark write it) the outcome predictor is fitted on; required");
        setDefault(outcomesPath, "");
        optimizer = train(new Param<>(this, "optimizer", "outer optimiser: adam (over sampled users) or lbfgs (Breeze L-BFGS, all users)",
                ParamValidators.inArray(new String[] {"adam", "lbfgs"})), "optimizer");
        maxIter = train(new IntParam(this, "maxIter", "outer iterations (>= 0)", ParamValidators.gtEq(0)), "iterations");
        usersPerIteration = train(new IntParam(this, "usersPerIteration", "users per Adam iteration (>= 0; 0 = all users)",
                ParamValidators.gtEq(0)), "users-per-iteration");
        userSampleRate = train(new DoubleParam(this, "userSampleRate", "when > 0: each user is kept with this probability per "
                + "iteration instead of usersPerIteration, in [0, 1]", ParamValidators.inRange(0, 1)), "user-sample-rate");
        seed = train(new LongParam(this, "seed", "seed of initialisation, user sampling and noise"), "seed");
        stepSize = train(new DoubleParam(this, "stepSize", "Adam learning rate (> 0)", ParamValidators.gt(0)), "adam.learning-rate");
        maxGradNorm = train(new DoubleParam(this, "maxGradNorm", "Adam's meta-gradient norm clip (>= 0; 0 = none)",
                ParamValidators.gtEq(0)), "adam.max-grad-norm");
        tol = train(new DoubleParam(this, "tol", "L-BFGS relative convergence tolerance (>= 0)", ParamValidators.gtEq(0)), "lbfgs.tolerance");
        lbfgsMemory = train(new IntParam(this, "lbfgsMemory", "L-BFGS history size (>= 1)", ParamValidators.gtEq(1)), "lbfgs.memory");
        aggregationDepth = train(new IntParam(this, "aggregationDepth", "treeAggregate depth of the meta-gradient (>= 1)",
                ParamValidators.gtEq(1)), "tree-depth");
        numPartitions = train(new IntParam(this, "numPartitions", "Spark partitions of the per-user tasks (>= 0; 0 = automatic)",
                ParamValidators.gtEq(0)), "partitions");
        checkpointInterval = train(new IntParam(this, "checkpointInterval", "checkpoint every this many iterations when checkpointDir "
                + "is set (>= 0; 0 = never)", ParamValidators.gtEq(0)), "checkpoint-every");
        checkpointDir = new Param<>(this, "checkpointDir", "directory (any Hadoop file system) of resumable training checkpoints; "
                + "empty = none");
        setDefault(checkpointDir, "");
        maxEventsPerUser = train(new IntParam(this, "maxEventsPerUser", "at most this many events per user, a reproducible sample (>= 1)",
                ParamValidators.gtEq(1)), "users.max-events");
        minEventsPerUser = train(new IntParam(this, "minEventsPerUser", "users with fewer usable events are skipped (>= 1)",
                ParamValidators.gtEq(1)), "users.min-events");
        userWeighting = train(new Param<>(this, "userWeighting", "user: every user weighs 1; events: a user weighs its event count",
                ParamValidators.inArray(new String[] {"user", "events"})), "users.weighting");
        entropyWeight = train(new DoubleParam(this, "entropyWeight", "entropy regularisation of the policy (>= 0)",
                ParamValidators.gtEq(0)), "objective.entropy-weight");
        pairWeight = train(new DoubleParam(this, "pairWeight", "weight of the pairwise log-likelihood on query sets (>= 0)",
                ParamValidators.gtEq(0)), "objective.pair-weight");
        ipsWeight = train(new DoubleParam(this, "ipsWeight", "weight of the IPS utility of logged route events (>= 0)",
                ParamValidators.gtEq(0)), "objective.ips-weight");
        kMax = train(new IntParam(this, "kMax", "largest context-set size drawn per user (>= 0)", ParamValidators.gtEq(0)),
                "objective.k-max");
        contextNoise = train(new DoubleParam(this, "contextNoise", "noise injection: std of perturbed contexts (>= 0)",
                ParamValidators.gtEq(0)), "objective.context-noise");
        flipProbability = train(new DoubleParam(this, "flipProbability", "noise injection: probability of a flipped comparison label, "
                + "in [0, 0.5]", ParamValidators.inRange(0, 0.5)), "objective.flip-probability");
        zNoise = train(new DoubleParam(this, "zNoise", "noise injection: std of the noise on the latent z (>= 0)", ParamValidators.gtEq(0)),
                "objective.z-noise");
        hiddenSize = train(new IntParam(this, "hiddenSize", "hidden width of the preference encoder (>= 1)", ParamValidators.gtEq(1)),
                "model.hidden");
        latentDim = train(new IntParam(this, "latentDim", "dimension of the latent preference z (>= 1)", ParamValidators.gtEq(1)),
                "model.latent");
        innerSteps = train(new IntParam(this, "innerSteps", "inner-loop adaptation steps, in [0, 100]", ParamValidators.inRange(0, 100)),
                "model.inner-steps");
        numFeatures = train(new IntParam(this, "numFeatures", "hashed n-gram feature dimension (a power of two in [2, 2^22])",
                ParamValidators.inRange(2, 1 << 22)), "features.dim");
        maxNgram = train(new IntParam(this, "maxNgram", "longest word n-gram hashed, in [1, 5]", ParamValidators.inRange(1, 5)),
                "features.max-ngram");
        outcomeRank = train(new IntParam(this, "outcomeRank", "rank of the outcome predictor's query projection (>= 1)",
                ParamValidators.gtEq(1)), "outcome.rank");
        outcomeMaxIter = train(new IntParam(this, "outcomeMaxIter", "epochs of the outcome predictor's fit (>= 0)", ParamValidators.gtEq(0)),
                "outcome.epochs");
        outcomeStepSize = train(new DoubleParam(this, "outcomeStepSize", "learning rate of the outcome predictor's fit (> 0)",
                ParamValidators.gt(0)), "outcome.learning-rate");
        trainConfig = new Param<>(this, "trainConfig", "any other metarouter.train settings, as HOCON (e.g. \"adam.beta2 = 0.99\"); "
                + "keys that have a Param are set through the Param", new TrainConfigValidator(List.copyOf(trainKeys.values())));
        setDefault(trainConfig, "");
    }

    /** Registers a training Param under its {@code metarouter.train} key and sets its default from conf/metarouter.conf. */
    private <P extends Param<?>> P train(P param, String key) {
        trainKeys.put(param, key);
        Config train = MlDefaults.train();
        Object value;
        if (key.equals("seed")) {
            value = train.hasPath("seed") ? train.getLong("seed") : MlDefaults.root().getLong("metarouter.seed");
        } else if (param instanceof IntParam) {
            value = train.getInt(key);
        } else if (param instanceof LongParam) {
            value = train.getLong(key);
        } else if (param instanceof DoubleParam) {
            value = train.getDouble(key);
        } else if (param instanceof BooleanParam) {
            value = train.getBoolean(key);
        } else {
            value = train.getString(key);
        }
        @SuppressWarnings("unchecked")
        Param<Object> p = (Param<Object>) param;
        setDefault(p, value);
        return param;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public RoutingParams.Definitions routingParams() {
        return routing;
    }

    /**
     * The training settings these Params give: {@code metarouter.train} of the packaged
     * conf/metarouter.conf, with {@code trainConfig} over it and the Params over both (exactly
     * how the {@code train} command lays its flags over the configuration).
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    public TrainSettings trainSettings() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        trainKeys.forEach((param, key) -> overrides.put(key, getOrDefault(param)));
        Config root = MlDefaults.root();
        Config extra = TrainConfigValidator.parse(getTrainConfig(), trainKeys.values());
        if (!extra.isEmpty()) root = extra.atPath("metarouter.train").withFallback(root);
        try {
            return TrainSettings.fromRoot(root, overrides);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MetaRouterEstimator " + uid + ": invalid training settings: " + e.getMessage(), e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        RoutingColumns.checkInteractionLog("MetaRouterEstimator", schema, this);
        return RoutingColumns.withOutputs("MetaRouterEstimator", schema, this);
    }

    /**
     * Meta-trains on {@code dataset} (an interaction log) and the outcome dataset at
     * {@code outcomesPath}; see the class documentation.
     */
    @Override
    public MetaRouterModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        String outcomes = getOutcomesPath();
        if (outcomes.isBlank()) {
            throw new IllegalArgumentException("MetaRouterEstimator " + uid + ": outcomesPath is not set (the outcome dataset directory "
                    + "the outcome predictor is fitted on, e.g. generate-benchmark's --output)");
        }
        TrainSettings settings = trainSettings();
        SparkSession spark = dataset.sparkSession();
        OutcomeTable table = OutcomeDatasets.readTable(spark, outcomes);
        ModelCatalog catalog = OutcomeDatasets.readCatalog(spark, outcomes);
        Dataset<Row> log = RoutingColumns.interactionLog(dataset, this);
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("logs", "DataFrame");
        identity.put("outcomes", HadoopFiles.qualify(spark.sparkContext().hadoopConfiguration(), outcomes).toString());
        TrainJob.Source source = new TrainJob.Source(log, table, catalog, "the input DataFrame", outcomes, null, null, identity);
        String ckpt = getCheckpointDir();
        Function<String, String> checkpoints = ckpt.isBlank() ? null : fingerprint -> ckpt.replaceAll("/+$", "") + "/train-"
                + fingerprint.substring(0, 16);
        TrainJob.Trained trained = TrainJob.train(spark, settings, source, null, checkpoints, line -> LOG.info("{}: {}", uid, line));
        if (trained.checkpoints() != null) trained.checkpoints().clear();
        MetaRouterModel model = new MetaRouterModel(MetaRouterModel.newUid(), ModelArtifact.trained(trained));
        return copyValues(model, ParamMap.empty()).setParent(this);
    }

    @Override
    public MetaRouterEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** MLlib's reader of a saved estimator (its Params). */
    public static MLReader<MetaRouterEstimator> read() {
        return new DefaultParamsReader<>();
    }

    public static MetaRouterEstimator load(String path) {
        return read().load(path);
    }

    // ---- Param accessors (MLlib finds Params through these public methods) ----

    public Param<String> outcomesPath() { return outcomesPath; }
    public Param<String> optimizer() { return optimizer; }
    public IntParam maxIter() { return maxIter; }
    public IntParam usersPerIteration() { return usersPerIteration; }
    public DoubleParam userSampleRate() { return userSampleRate; }
    public LongParam seed() { return seed; }
    public DoubleParam stepSize() { return stepSize; }
    public DoubleParam maxGradNorm() { return maxGradNorm; }
    public DoubleParam tol() { return tol; }
    public IntParam lbfgsMemory() { return lbfgsMemory; }
    public IntParam aggregationDepth() { return aggregationDepth; }
    public IntParam numPartitions() { return numPartitions; }
    public IntParam checkpointInterval() { return checkpointInterval; }
    public Param<String> checkpointDir() { return checkpointDir; }
    public IntParam maxEventsPerUser() { return maxEventsPerUser; }
    public IntParam minEventsPerUser() { return minEventsPerUser; }
    public Param<String> userWeighting() { return userWeighting; }
    public DoubleParam entropyWeight() { return entropyWeight; }
    public DoubleParam pairWeight() { return pairWeight; }
    public DoubleParam ipsWeight() { return ipsWeight; }
    public IntParam kMax() { return kMax; }
    public DoubleParam contextNoise() { return contextNoise; }
    public DoubleParam flipProbability() { return flipProbability; }
    public DoubleParam zNoise() { return zNoise; }
    public IntParam hiddenSize() { return hiddenSize; }
    public IntParam latentDim() { return latentDim; }
    public IntParam innerSteps() { return innerSteps; }
    public IntParam numFeatures() { return numFeatures; }
    public IntParam maxNgram() { return maxNgram; }
    public IntParam outcomeRank() { return outcomeRank; }
    public IntParam outcomeMaxIter() { return outcomeMaxIter; }
    public DoubleParam outcomeStepSize() { return outcomeStepSize; }
    public Param<String> trainConfig() { return trainConfig; }

    public String getOutcomesPath() { return getOrDefault(outcomesPath); }
    public String getOptimizer() { return getOrDefault(optimizer); }
    public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
    public int getUsersPerIteration() { return (Integer) getOrDefault(usersPerIteration); }
    public double getUserSampleRate() { return (Double) getOrDefault(userSampleRate); }
    public long getSeed() { return (Long) getOrDefault(seed); }
    public double getStepSize() { return (Double) getOrDefault(stepSize); }
    public double getMaxGradNorm() { return (Double) getOrDefault(maxGradNorm); }
    public double getTol() { return (Double) getOrDefault(tol); }
    public int getLbfgsMemory() { return (Integer) getOrDefault(lbfgsMemory); }
    public int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth); }
    public int getNumPartitions() { return (Integer) getOrDefault(numPartitions); }
    public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }
    public String getCheckpointDir() { return getOrDefault(checkpointDir); }
    public int getMaxEventsPerUser() { return (Integer) getOrDefault(maxEventsPerUser); }
    public int getMinEventsPerUser() { return (Integer) getOrDefault(minEventsPerUser); }
    public String getUserWeighting() { return getOrDefault(userWeighting); }
    public double getEntropyWeight() { return (Double) getOrDefault(entropyWeight); }
    public double getPairWeight() { return (Double) getOrDefault(pairWeight); }
    public double getIpsWeight() { return (Double) getOrDefault(ipsWeight); }
    public int getKMax() { return (Integer) getOrDefault(kMax); }
    public double getContextNoise() { return (Double) getOrDefault(contextNoise); }
    public double getFlipProbability() { return (Double) getOrDefault(flipProbability); }
    public double getZNoise() { return (Double) getOrDefault(zNoise); }
    public int getHiddenSize() { return (Integer) getOrDefault(hiddenSize); }
    public int getLatentDim() { return (Integer) getOrDefault(latentDim); }
    public int getInnerSteps() { return (Integer) getOrDefault(innerSteps); }
    public int getNumFeatures() { return (Integer) getOrDefault(numFeatures); }
    public int getMaxNgram() { return (Integer) getOrDefault(maxNgram); }
    public int getOutcomeRank() { return (Integer) getOrDefault(outcomeRank); }
    public int getOutcomeMaxIter() { return (Integer) getOrDefault(outcomeMaxIter); }
    public double getOutcomeStepSize() { return (Double) getOrDefault(outcomeStepSize); }
    public String getTrainConfig() { return getOrDefault(trainConfig); }

    public MetaRouterEstimator setOutcomesPath(String v) { set(outcomesPath, v); return this; }
    public MetaRouterEstimator setOptimizer(String v) { set(optimizer, v); return this; }
    public MetaRouterEstimator setMaxIter(int v) { set(maxIter, v); return this; }
    public MetaRouterEstimator setUsersPerIteration(int v) { set(usersPerIteration, v); return this; }
    public MetaRouterEstimator setUserSampleRate(double v) { set(userSampleRate, v); return this; }
    public MetaRouterEstimator setSeed(long v) { set(seed, v); return this; }
    public MetaRouterEstimator setStepSize(double v) { set(stepSize, v); return this; }
    public MetaRouterEstimator setMaxGradNorm(double v) { set(maxGradNorm, v); return this; }
    public MetaRouterEstimator setTol(double v) { set(tol, v); return this; }
    public MetaRouterEstimator setLbfgsMemory(int v) { set(lbfgsMemory, v); return this; }
    public MetaRouterEstimator setAggregationDepth(int v) { set(aggregationDepth, v); return this; }
    public MetaRouterEstimator setNumPartitions(int v) { set(numPartitions, v); return this; }
    public MetaRouterEstimator setCheckpointInterval(int v) { set(checkpointInterval, v); return this; }
    public MetaRouterEstimator setCheckpointDir(String v) { set(checkpointDir, v); return this; }
    public MetaRouterEstimator setMaxEventsPerUser(int v) { set(maxEventsPerUser, v); return this; }
    public MetaRouterEstimator setMinEventsPerUser(int v) { set(minEventsPerUser, v); return this; }
    public MetaRouterEstimator setUserWeighting(String v) { set(userWeighting, v); return this; }
    public MetaRouterEstimator setEntropyWeight(double v) { set(entropyWeight, v); return this; }
    public MetaRouterEstimator setPairWeight(double v) { set(pairWeight, v); return this; }
    public MetaRouterEstimator setIpsWeight(double v) { set(ipsWeight, v); return this; }
    public MetaRouterEstimator setKMax(int v) { set(kMax, v); return this; }
    public MetaRouterEstimator setContextNoise(double v) { set(contextNoise, v); return this; }
    public MetaRouterEstimator setFlipProbability(double v) { set(flipProbability, v); return this; }
    public MetaRouterEstimator setZNoise(double v) { set(zNoise, v); return this; }
    public MetaRouterEstimator setHiddenSize(int v) { set(hiddenSize, v); return this; }
    public MetaRouterEstimator setLatentDim(int v) { set(latentDim, v); return this; }
    public MetaRouterEstimator setInnerSteps(int v) { set(innerSteps, v); return this; }
    public MetaRouterEstimator setNumFeatures(int v) { set(numFeatures, v); return this; }
    public MetaRouterEstimator setMaxNgram(int v) { set(maxNgram, v); return this; }
    public MetaRouterEstimator setOutcomeRank(int v) { set(outcomeRank, v); return this; }
    public MetaRouterEstimator setOutcomeMaxIter(int v) { set(outcomeMaxIter, v); return this; }
    public MetaRouterEstimator setOutcomeStepSize(double v) { set(outcomeStepSize, v); return this; }
    public MetaRouterEstimator setTrainConfig(String v) { set(trainConfig, v); return this; }

    public MetaRouterEstimator setUserCol(String v) { set(userCol(), v); return this; }
    public MetaRouterEstimator setQueryCol(String v) { set(queryCol(), v); return this; }
    public MetaRouterEstimator setEventIdCol(String v) { set(eventIdCol(), v); return this; }
    public MetaRouterEstimator setCandidatesCol(String v) { set(candidatesCol(), v); return this; }
    public MetaRouterEstimator setContextsCol(String v) { set(contextsCol(), v); return this; }
    public MetaRouterEstimator setPredictionCol(String v) { set(predictionCol(), v); return this; }
    public MetaRouterEstimator setPropensityCol(String v) { set(propensityCol(), v); return this; }
    public MetaRouterEstimator setScoresCol(String v) { set(scoresCol(), v); return this; }
    public MetaRouterEstimator setErrorCol(String v) { set(errorCol(), v); return this; }
    public MetaRouterEstimator setExploration(String v) { set(exploration(), v); return this; }
    public MetaRouterEstimator setExplorationTau(double v) { set(explorationTau(), v); return this; }
    public MetaRouterEstimator setExplorationEpsilon(double v) { set(explorationEpsilon(), v); return this; }
    public MetaRouterEstimator setMinPropensity(double v) { set(minPropensity(), v); return this; }
    public MetaRouterEstimator setMaxContexts(int v) { set(maxContexts(), v); return this; }
    public MetaRouterEstimator setHandleInvalid(String v) { set(handleInvalid(), v); return this; }

    /**
     * Validates {@code trainConfig}: HOCON that parses, only keys of {@code metarouter.train}, and
     * no key a Param sets (so each setting has one place). Throws the reason (MLlib's own message would only say "invalid value").
     * Serializable, as Params travel with the stage.
     */
    static final class TrainConfigValidator extends scala.runtime.AbstractFunction1<String, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final List<String> paramKeys;

        TrainConfigValidator(List<String> paramKeys) {
            this.paramKeys = paramKeys;
        }

        @Override
        public Object apply(String hocon) {
            parse(hocon, paramKeys);
            return true;
        }

        /** The HOCON of {@code trainConfig}, checked; empty for an empty string. */
        static Config parse(String hocon, java.util.Collection<String> paramKeys) {
            if (hocon == null || hocon.isBlank()) return ConfigFactory.empty();
            Config c;
            try {
                c = ConfigFactory.parseString(hocon).resolve();
            } catch (ConfigException e) {
                throw new IllegalArgumentException("MetaRouterEstimator: trainConfig is not valid HOCON: " + e.getMessage(), e);
            }
            List<String> unknown = new ArrayList<>();
            for (String key : c.entrySet().stream().map(java.util.Map.Entry::getKey).sorted().toList()) {
                if (!MlDefaults.train().hasPath(key)) unknown.add(key);
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("MetaRouterEstimator: trainConfig sets " + unknown + ", which are not keys of "
                        + "metarouter.train (conf/metarouter.conf)");
            }
            List<String> taken = new ArrayList<>();
            for (String key : paramKeys) if (c.hasPath(key)) taken.add(key);
            if (!taken.isEmpty()) {
                throw new IllegalArgumentException("MetaRouterEstimator: trainConfig sets " + taken + ", which Params set "
                        + "(see explainParams()): set the Params instead");
            }
            return c;
        }
    }
}
