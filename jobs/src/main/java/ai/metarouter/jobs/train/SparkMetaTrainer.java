package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.GradientAccumulator;
import ai.metarouter.core.learn.IterationLog;
import ai.metarouter.core.learn.OuterStep;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.learn.UserMetaObjective;
import ai.metarouter.core.learn.UserSampler;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * The outer loop of distributed meta-training, in the shape of Spark MLlib's optimisers:
 * <pre>
 * for each iteration:
 *   sample      = the iteration's users (UserSampler's exact-size sample, or all)
 *   bcParams    = broadcast(meta-parameters)
 *   accumulator = users.mapPartitions(per user: UserMetaObjective.evaluate -> GradientAccumulator.add)
 *                      .treeAggregate(zero, merge, merge, depth)
 *   bcParams.destroy()
 *   step        = OuterStep.apply(params, adam, accumulator)          (on the driver)
 *   log, checkpoint
 * </pre>
 * Per user the work depends only on (meta-parameters, the user's task, seed, iteration), the
 * accumulator's compensated sums make any grouping of merges agree to ~1e-15 relative, and the
 * sample is a function of (seed, iteration, user id): so any number of partitions reaches the
 * parameters of {@link ai.metarouter.core.learn.ReferenceTrainer} on the same tasks.
 *
 * <p>The second optimiser, {@link #lbfgs}, is Breeze's L-BFGS over all users: each function
 * evaluation is one such distributed pass with every user's context size and noise drawn once
 * (at iteration {@value #LBFGS_DRAW_ITERATION}), so that the objective is deterministic, as a
 * quasi-Newton method needs.
 *
 * <p>The driver holds the parameters, the optimiser state and one accumulator: its memory does
 * not grow with the number of users.
 */
public final class SparkMetaTrainer {
    /** The (seed, iteration) draws L-BFGS evaluates every user with. */
    public static final int LBFGS_DRAW_ITERATION = 0;

    private final JavaSparkContext sc;
    private final TrainSettings settings;
    private final Map<String, Object> settingsMap;
    private final UserTasks users;
    private final MetaDimensions dims;

    public SparkMetaTrainer(JavaSparkContext sc, TrainSettings settings, UserTasks users, MetaDimensions dims) {
        this.sc = sc;
        this.settings = settings;
        this.settingsMap = settings.toMap();
        this.users = users;
        this.dims = dims;
    }

    /** Receives the state after each iteration (e.g. to checkpoint it). */
    @FunctionalInterface
    public interface StateListener {
        void afterIteration(TrainState state);
    }

    /**
     * Runs iterations {@code [start.nextIteration(), iterations)} with the configured optimiser.
     *
     * @param progress sees every iteration's record
     * @param states sees the state after every iteration
     */
    public TrainState train(TrainState start, Consumer<IterationRecord> progress, StateListener states) {
        return switch (settings.optimizer()) {
            case ADAM -> adam(start, progress, states);
            case LBFGS -> lbfgs(start, progress, states);
        };
    }

    /** Adam over the sampled users of each iteration. */
    public TrainState adam(TrainState start, Consumer<IterationRecord> progress, StateListener states) {
        TrainerConfig config = settings.trainer();
        MetaParameters params = start.params();
        var adam = start.adam();
        List<IterationRecord> log = new ArrayList<>(start.log());
        TrainState state = start;
        for (int it = start.nextIteration(); it < config.iterations(); it++) {
            long t0 = System.nanoTime();
            UserSample sample = sample(it);
            GradientAccumulator acc = accumulate(params, it, sample);
            OuterStep.Result step = OuterStep.apply(params, adam, acc, config.adam());
            params = step.params();
            adam = step.state();
            IterationRecord record = new IterationRecord(IterationLog.of(it, acc, step), (System.nanoTime() - t0) / 1e9, 1);
            log.add(record);
            progress.accept(record);
            state = new TrainState(it + 1, params, adam, null, log);
            states.afterIteration(state);
        }
        return state;
    }

    /** Breeze L-BFGS over all users, full batch. */
    public TrainState lbfgs(TrainState start, Consumer<IterationRecord> progress, StateListener states) {
        TrainerConfig config = settings.trainer();
        List<IterationRecord> log = new ArrayList<>(start.log());
        Map<List<Double>, GradientAccumulator> recent = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Double>, GradientAccumulator> e) {
                return size() > 8;
            }
        };
        TrainState[] last = {start};
        long[] t0 = {System.nanoTime()};
        BreezeLbfgs.Objective objective = x -> {
            if (!allFinite(x)) return new BreezeLbfgs.Evaluation(Double.POSITIVE_INFINITY, new double[x.length]);
            GradientAccumulator acc = accumulate(MetaParameters.of(dims, x), LBFGS_DRAW_ITERATION, UserSample.ALL);
            recent.put(key(x), acc);
            return new BreezeLbfgs.Evaluation(acc.meanLoss(), acc.meanGradient());
        };
        BreezeLbfgs.Listener listener = it -> {
            GradientAccumulator acc = recent.get(key(it.x()));
            int iteration = it.iteration() - 1;
            IterationLog line = new IterationLog(iteration, acc == null ? 0 : acc.users(), acc == null ? 0 : acc.skippedUsers(),
                    acc == null ? 0 : acc.events(), it.value(), acc == null ? Double.NaN : acc.meanIpsValue(),
                    acc == null ? Double.NaN : acc.meanPairLogLikelihood(), acc == null ? Double.NaN : acc.meanEntropy(),
                    acc == null ? Double.NaN : acc.meanContexts(), it.gradientNorm());
            IterationRecord record = new IterationRecord(line, (System.nanoTime() - t0[0]) / 1e9, it.evaluations());
            log.add(record);
            progress.accept(record);
            last[0] = new TrainState(it.iteration(), MetaParameters.of(dims, it.x()), start.adam(), it.state(), log);
            states.afterIteration(last[0]);
            t0[0] = System.nanoTime();
        };
        if (start.nextIteration() >= config.iterations()) return start;
        BreezeLbfgs.minimize(objective, start.params().toArray(), config.iterations(), settings.lbfgsMemory(), settings.lbfgsTolerance(),
                start.lbfgsState(), listener);
        return last[0];
    }

    /**
     * One distributed pass: broadcast the parameters, evaluate the sampled users of every
     * partition into one accumulator each, merge them with treeAggregate, destroy the broadcast.
     */
    public GradientAccumulator accumulate(MetaParameters params, int iteration, UserSample sample) {
        Broadcast<double[]> bcParams = sc.broadcast(params.toArray());
        try {
            return users.training()
                    .mapPartitions(new EvaluateUsers(bcParams, settingsMap, iteration, sample))
                    .treeAggregate(new GradientAccumulator(params.size()), GradientAccumulator::merge, GradientAccumulator::merge,
                            settings.treeDepth());
        } finally {
            bcParams.destroy();
        }
    }

    /**
     * The users of iteration {@code it}, as the reference trainer picks them: with a
     * {@code user-sample-rate}, {@link UserSampler#keep} per user (no pass needed); otherwise
     * {@link UserSampler#sample}'s exact-size sample (the
     * {@code usersPerIteration} admitted users with the smallest (hash, id)), found as a threshold
     * with one takeOrdered pass over the persisted user ids (driver memory O(partitions x
     * usersPerIteration), not O(users)), or all users when the sample would hold them all.
     */
    public UserSample sample(int it) {
        TrainerConfig config = settings.trainer();
        if (config.userSampleRate() > 0) return UserSample.bernoulli(config.seed(), it, config.userSampleRate());
        int count = config.usersPerIteration();
        if (count >= users.stats().admittedUsers()) return UserSample.ALL;
        long seed = config.seed();
        List<Tuple2<Long, String>> smallest = users.admittedIds()
                .map(id -> new Tuple2<>(UserSampler.hash(seed, it, id), id))
                .takeOrdered(count, new HashOrder());
        Tuple2<Long, String> last = smallest.get(smallest.size() - 1);
        return new UserSample(false, seed, it, last._1(), last._2());
    }

    /** (hash, id) order, as {@link UserSampler#sample} sorts. */
    static final class HashOrder implements Comparator<Tuple2<Long, String>>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Tuple2<Long, String> a, Tuple2<Long, String> b) {
            int c = Long.compare(a._1(), b._1());
            return c != 0 ? c : a._2().compareTo(b._2());
        }
    }

    /**
     * Which users take part in one pass: all; those kept by {@link UserSampler#keep} at a rate; or
     * those whose (hash, id) at (seed, iteration) is at most the exact-size sample's threshold.
     */
    public static final class UserSample implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final UserSample ALL = new UserSample(true, 0, 0, 0, null, 0.0);

        private final boolean all;
        private final long seed;
        private final int iteration;
        private final long maxHash;
        private final String maxId;
        private final double rate;

        UserSample(boolean all, long seed, int iteration, long maxHash, String maxId) {
            this(all, seed, iteration, maxHash, maxId, 0.0);
        }

        private UserSample(boolean all, long seed, int iteration, long maxHash, String maxId, double rate) {
            this.all = all;
            this.seed = seed;
            this.iteration = iteration;
            this.maxHash = maxHash;
            this.maxId = maxId;
            this.rate = rate;
        }

        static UserSample bernoulli(long seed, int iteration, double rate) {
            return new UserSample(false, seed, iteration, 0, null, rate);
        }

        public boolean includes(String userId) {
            if (all) return true;
            if (rate > 0) return UserSampler.keep(seed, iteration, userId, rate);
            long h = UserSampler.hash(seed, iteration, userId);
            return h < maxHash || (h == maxHash && userId.compareTo(maxId) <= 0);
        }
    }

    /** Per partition: the objective of every sampled admitted user into one accumulator. */
    static final class EvaluateUsers implements FlatMapFunction<Iterator<TrainingUser>, GradientAccumulator> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<double[]> params;
        private final Map<String, Object> settings;
        private final int iteration;
        private final UserSample sample;

        EvaluateUsers(Broadcast<double[]> params, Map<String, Object> settings, int iteration, UserSample sample) {
            this.params = params;
            this.settings = settings;
            this.iteration = iteration;
            this.sample = sample;
        }

        @Override
        public Iterator<GradientAccumulator> call(Iterator<TrainingUser> users) {
            TrainerConfig config = TrainSettings.fromMap(settings).trainer();
            MetaDimensions dims = new MetaDimensions(config.basis().dimension(), config.hidden(), config.latent());
            MetaParameters p = MetaParameters.of(dims, params.value());
            UserMetaObjective objective = new UserMetaObjective(dims, config.basis(), config.model(), config.objective());
            PreparedUserCodec codec = new PreparedUserCodec(config.basis());
            GradientAccumulator acc = new GradientAccumulator(p.size());
            while (users.hasNext()) {
                TrainingUser u = users.next();
                if (!sample.includes(u.userId())) continue;
                PreparedUser user = u.user(codec);
                acc.add(objective.evaluate(p, user.task(), config.seed(), iteration), user.weight());
            }
            return Collections.singletonList(acc).iterator();
        }
    }

    private static boolean allFinite(double[] x) {
        for (double v : x) if (!Double.isFinite(v)) return false;
        return true;
    }

    private static List<Double> key(double[] x) {
        return Arrays.stream(x).boxed().toList();
    }
}
