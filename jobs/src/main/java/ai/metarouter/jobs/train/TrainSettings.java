package ai.metarouter.jobs.train;

import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.learn.AdamConfig;
import ai.metarouter.core.learn.ObjectiveConfig;
import ai.metarouter.core.learn.OutcomeTrainerConfig;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.learn.UserCap;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.UtilityBasis;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the train job is configured with, read once at the edge from {@code metarouter.train}
 * (see conf/metarouter.conf for every key and its meaning). {@link #toMap()} writes the same keys
 * back, so the settings travel as one map: into the manifest's {@code training_config}, into the
 * checkpoint fingerprint, and to executors, which rebuild them with {@link #fromConfig}.
 *
 * @param trainer the core trainer configuration (shared with {@link ai.metarouter.core.learn.ReferenceTrainer})
 * @param optimizer Adam or L-BFGS
 * @param users per-user cap, minimum and weighting
 * @param treeDepth depth of {@code treeAggregate}
 * @param partitions partitions of the per-user tasks (0 = automatic)
 * @param checkpointEvery checkpoint every so many iterations (0 = never)
 * @param lbfgsMemory L-BFGS history size m
 * @param lbfgsTolerance L-BFGS relative convergence tolerance
 */
public record TrainSettings(TrainerConfig trainer, Optimizer optimizer, UserCap.Config users, int treeDepth, int partitions,
                            int checkpointEvery, int lbfgsMemory, double lbfgsTolerance) {

    /** The outer optimiser. */
    public enum Optimizer {
        ADAM, LBFGS;

        public static Optimizer parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "adam" -> ADAM;
                case "lbfgs", "l-bfgs" -> LBFGS;
                default -> throw new IllegalArgumentException("optimizer must be adam or lbfgs, got '" + s + "'");
            };
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrainSettings {
        if (treeDepth < 1) throw new IllegalArgumentException("tree-depth must be >= 1, got " + treeDepth);
        if (partitions < 0) throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint-every must be >= 0, got " + checkpointEvery);
        if (lbfgsMemory < 1) throw new IllegalArgumentException("lbfgs.memory must be >= 1, got " + lbfgsMemory);
        if (!(lbfgsTolerance >= 0)) throw new IllegalArgumentException("lbfgs.tolerance must be >= 0, got " + lbfgsTolerance);
        if (users.seed() != trainer.seed()) throw new IllegalArgumentException("user capping and training must share one seed");
    }

    /** Users per iteration that means "all users". */
    public static final int ALL_USERS = Integer.MAX_VALUE;

    /**
     * Reads {@code metarouter.train} ({@code train}); {@code defaultSeed} is used when it has no
     * {@code seed}. Every problem is an {@link IllegalArgumentException} naming the key.
     */
    public static TrainSettings fromConfig(Config train, long defaultSeed) {
        try {
            long seed = train.hasPath("seed") ? train.getLong("seed") : defaultSeed;
            Config m = train.getConfig("model");
            Config f = train.getConfig("features");
            Config o = train.getConfig("objective");
            Config a = train.getConfig("adam");
            Config oc = train.getConfig("outcome");
            Config u = train.getConfig("users");
            FeatureSpec features = new FeatureSpec(f.getInt("dim"), f.getInt("max-ngram"), FeatureSpec.DEFAULT_HASH_SEED, true,
                    FeatureSpec.ALGORITHM_VERSION);
            UtilityBasis basis = new UtilityBasis(doubles(m.getDoubleList("cost-knots")), doubles(m.getDoubleList("quality-knots")));
            OutcomeTrainerConfig outcome = new OutcomeTrainerConfig(oc.getInt("rank"), oc.getDouble("l2-projection"),
                    oc.getDouble("l2-embedding"), oc.getDouble("learning-rate"), oc.getInt("epochs"), oc.getInt("batch-size"),
                    oc.getDouble("init-std"), seed);
            ModelConfig model = new ModelConfig(m.getInt("inner-steps"), m.getDouble("reward-weight"), m.getDouble("tau"),
                    m.getBoolean("normalize-inner-step"), m.getBoolean("normalize-policy-scores"),
                    // Settings recorded before the solver existed (manifests, checkpoints) used gradient steps.
                    m.hasPath("inner-solver") ? ModelConfig.InnerSolver.parse(m.getString("inner-solver"))
                            : ModelConfig.InnerSolver.GRADIENT_STEPS);
            ObjectiveConfig objective = new ObjectiveConfig(o.getDouble("ips-weight"), o.getDouble("entropy-weight"),
                    o.getDouble("pair-weight"), o.getDouble("ips-clip"), o.getBoolean("ips-baseline"), o.getInt("k-max"),
                    o.getDouble("context-noise"), o.getDouble("flip-probability"), o.getDouble("z-noise"),
                    o.getDouble("pairs-only-probability"), o.getBoolean("scale-free-pairs"), o.getBoolean("first-order"));
            AdamConfig adam = new AdamConfig(a.getDouble("learning-rate"), a.getDouble("beta1"), a.getDouble("beta2"),
                    a.getDouble("epsilon"), a.getDouble("max-grad-norm"));
            int perIteration = train.getInt("users-per-iteration");
            if (perIteration < 0) throw new IllegalArgumentException("users-per-iteration must be >= 0 (0 = all users), got " + perIteration);
            TrainerConfig trainer = new TrainerConfig(features, basis, outcome, m.getInt("hidden"), m.getInt("latent"),
                    m.getDouble("beta-init"), model, objective, adam, train.getInt("iterations"),
                    perIteration == 0 ? ALL_USERS : perIteration, train.getDouble("user-sample-rate"), seed);
            UserCap.Config users = new UserCap.Config(u.getInt("max-events"), u.getInt("min-events"),
                    UserCap.Weighting.parse(u.getString("weighting")), seed);
            return new TrainSettings(trainer, Optimizer.parse(train.getString("optimizer")), users, train.getInt("tree-depth"),
                    train.getInt("partitions"), train.getInt("checkpoint-every"), train.getInt("lbfgs.memory"),
                    train.getDouble("lbfgs.tolerance"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("metarouter.train: " + e.getMessage(), e);
        }
    }

    /**
     * {@code metarouter.train} of a full configuration {@code root} with {@code overrides} laid
     * over it (keys of {@code metarouter.train}, nested ones as dotted paths such as
     * {@code "adam.learning-rate"}); the seed defaults to {@code metarouter.seed}. What the
     * {@code train} command does with its flags and the MLlib estimator with its Params.
     */
    public static TrainSettings fromRoot(Config root, Map<String, ?> overrides) {
        Config train = ConfigFactory.parseMap(overrides).withFallback(root.getConfig("metarouter.train"));
        return fromConfig(train, root.getLong("metarouter.seed"));
    }

    /** Rebuilds settings from {@link #toMap()}'s form. */
    public static TrainSettings fromMap(Map<String, ?> map) {
        Config c = ConfigFactory.parseMap(map);
        return fromConfig(c, c.getLong("seed"));
    }

    /** The settings as the keys of {@code metarouter.train} (plus {@code seed}), JSON-able. */
    public Map<String, Object> toMap() {
        TrainerConfig t = trainer;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", optimizer.wireName());
        m.put("iterations", t.iterations());
        m.put("users-per-iteration", t.usersPerIteration() == ALL_USERS ? 0 : t.usersPerIteration());
        m.put("user-sample-rate", t.userSampleRate());
        m.put("seed", t.seed());
        m.put("tree-depth", treeDepth);
        m.put("partitions", partitions);
        m.put("checkpoint-every", checkpointEvery);
        m.put("users", ordered("max-events", users.maxEvents(), "min-events", users.minEvents(), "weighting", users.weighting().wireName()));
        AdamConfig a = t.adam();
        m.put("adam", ordered("learning-rate", a.learningRate(), "beta1", a.beta1(), "beta2", a.beta2(), "epsilon", a.epsilon(),
                "max-grad-norm", a.maxGradNorm()));
        m.put("lbfgs", ordered("memory", lbfgsMemory, "tolerance", lbfgsTolerance));
        ObjectiveConfig o = t.objective();
        m.put("objective", ordered("ips-weight", o.ipsWeight(), "entropy-weight", o.entropyWeight(), "pair-weight", o.pairWeight(),
                "ips-clip", o.ipsClip(), "ips-baseline", o.ipsBaseline(), "k-max", o.kMax(), "context-noise", o.contextNoiseStd(),
                "flip-probability", o.flipProbability(), "z-noise", o.zNoiseStd(), "pairs-only-probability", o.pairsOnlyProbability(),
                "scale-free-pairs", o.scaleFreePairs(), "first-order", o.firstOrder()));
        ModelConfig mc = t.model();
        m.put("model", ordered("hidden", t.hidden(), "latent", t.latent(), "beta-init", t.betaInit(), "inner-steps", mc.innerSteps(),
                "reward-weight", mc.rewardWeight(), "tau", mc.tau(), "normalize-inner-step", mc.normalizeInnerStep(),
                "normalize-policy-scores", mc.normalizePolicyScores(), "inner-solver", mc.innerSolver().key().replace('_', '-'),
                "cost-knots", list(t.basis().costKnots()), "quality-knots", list(t.basis().qualityKnots())));
        m.put("features", ordered("dim", t.featureSpec().dim(), "max-ngram", t.featureSpec().maxNgram()));
        OutcomeTrainerConfig oc = t.outcome();
        m.put("outcome", ordered("rank", oc.rank(), "l2-projection", oc.l2Projection(), "l2-embedding", oc.l2Embedding(),
                "learning-rate", oc.learningRate(), "epochs", oc.epochs(), "batch-size", oc.batchSize(), "init-std", oc.initStd()));
        return m;
    }

    /** {@link #toMap()} as a JSON object (the manifest's {@code training_config}). */
    public ObjectNode toJson() {
        return new ObjectMapper().valueToTree(toMap());
    }

    /**
     * SHA-256 (hex) of these settings and {@code identity} (what the run reads: data location and
     * range, the warm-start version): a checkpoint is resumed only by a run with the same fingerprint.
     * Settings that do not change the result (checkpoint interval) are left out.
     */
    public String fingerprint(Map<String, Object> identity) {
        Map<String, Object> m = new LinkedHashMap<>(toMap());
        m.remove("checkpoint-every");
        m.put("identity", identity);
        try {
            byte[] json = new ObjectMapper().writeValueAsBytes(m);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the training settings", e);
        }
    }

    public TrainSettings withOptimizer(Optimizer o) {
        return new TrainSettings(trainer, o, users, treeDepth, partitions, checkpointEvery, lbfgsMemory, lbfgsTolerance);
    }

    public TrainSettings withTrainer(TrainerConfig t) {
        UserCap.Config u = new UserCap.Config(users.maxEvents(), users.minEvents(), users.weighting(), t.seed());
        return new TrainSettings(t, optimizer, u, treeDepth, partitions, checkpointEvery, lbfgsMemory, lbfgsTolerance);
    }

    public TrainSettings withUsers(UserCap.Config u) {
        return new TrainSettings(trainer, optimizer, u, treeDepth, partitions, checkpointEvery, lbfgsMemory, lbfgsTolerance);
    }

    public TrainSettings withPartitions(int p) {
        return new TrainSettings(trainer, optimizer, users, treeDepth, p, checkpointEvery, lbfgsMemory, lbfgsTolerance);
    }

    public TrainSettings withTreeDepth(int depth) {
        return new TrainSettings(trainer, optimizer, users, depth, partitions, checkpointEvery, lbfgsMemory, lbfgsTolerance);
    }

    public TrainSettings withCheckpointEvery(int n) {
        return new TrainSettings(trainer, optimizer, users, treeDepth, partitions, n, lbfgsMemory, lbfgsTolerance);
    }

    private static double[] doubles(List<Double> l) {
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = l.get(i);
        return out;
    }

    private static List<Double> list(double[] a) {
        List<Double> out = new ArrayList<>(a.length);
        for (double v : a) out.add(v);
        return out;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
