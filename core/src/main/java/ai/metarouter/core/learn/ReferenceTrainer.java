package ai.metarouter.core.learn;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.UtilityBasis;
import ai.metarouter.core.model.OutcomePredictor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Single-machine meta-training: the oracle the Spark trainer is tested against, and a way to
 * experiment without Spark.
 * <ol>
 *   <li>Fit the outcome predictor on the outcome table's train split ({@link OutcomePredictorTrainer}).</li>
 *   <li>Build each user's {@link UserTask} with the frozen predictor.</li>
 *   <li>For iteration i = 0, 1, ...: users = {@link UserSampler#sample}(seed, i, all user ids,
 *       usersPerIteration), or those with {@link UserSampler#keep}(seed, i, id, rate); per user {@link UserMetaObjective#evaluate}(params, task, seed, i) into a
 *       {@link GradientAccumulator} with weight 1; then {@link OuterStep#apply}.</li>
 * </ol>
 * The Spark trainer does step 3 with the same three calls (objective per user on executors,
 * accumulator merged by treeAggregate, outer step on the driver) and so reaches the same
 * parameters up to the accumulator's order-robust rounding.
 */
public final class ReferenceTrainer {
    private final TrainerConfig config;

    public ReferenceTrainer(TrainerConfig config) {
        this.config = config;
    }

    public TrainerConfig config() {
        return config;
    }

    /**
     * The result of meta-training.
     *
     * @param model the trained router
     * @param adamState optimiser state after the last iteration (to resume)
     * @param log one line per iteration
     */
    public record Result(MetaRouterModel model, AdamState adamState, List<IterationLog> log) {}

    /** Steps 1-3 from an outcome table and a log grouped by user. */
    public Result train(OutcomeTable outcomes, ModelCatalog catalog, Map<String, List<InteractionEvent>> eventsByUser) {
        MetaRouterModel initial = initialModel(outcomes, catalog);
        return metaTrain(initial, tasks(initial, eventsByUser), null);
    }

    /**
     * Step 1 and the seeded initial meta-parameters: the untrained router. On outcomes whose
     * quality is pass/fail the utility basis drops its quality knots ({@link UtilityBasis#forBinaryQuality}).
     */
    public MetaRouterModel initialModel(OutcomeTable outcomes, ModelCatalog catalog) {
        HashedNgramFeaturizer featurizer = new HashedNgramFeaturizer(config.featureSpec());
        OutcomeTable train = outcomes.split("train");
        OutcomeTable fitOn = train.numQueries() > 0 ? train : outcomes;
        OutcomePredictor predictor = new OutcomePredictorTrainer(config.outcome()).fit(fitOn, catalog, featurizer);
        UtilityBasis basis = basisFor(fitOn);
        MetaDimensions dims = new MetaDimensions(basis.dimension(), config.hidden(), config.latent());
        MetaParameters params = MetaParameters.initial(dims, config.seed(), config.betaInit());
        return new MetaRouterModel(config.featureSpec(), predictor, catalog.costScale(), basis, params, config.model());
    }

    /** The configured utility basis, without quality knots when the outcomes' quality is pass/fail. */
    public UtilityBasis basisFor(OutcomeTable outcomes) {
        return outcomes.binaryQuality() ? config.basis().forBinaryQuality() : config.basis();
    }

    /** Step 2: one task per user, in user-id order. */
    public List<UserTask> tasks(MetaRouterModel model, Map<String, List<InteractionEvent>> eventsByUser) {
        UserTaskBuilder builder = UserTaskBuilder.forModel(model);
        List<UserTask> out = new ArrayList<>(eventsByUser.size());
        for (Map.Entry<String, List<InteractionEvent>> e : new TreeMap<>(eventsByUser).entrySet()) {
            out.add(builder.build(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Step 3 from the seeded initial optimiser state; {@code progress} (nullable) sees every iteration's log. */
    public Result metaTrain(MetaRouterModel initial, List<UserTask> tasks, Consumer<IterationLog> progress) {
        return metaTrain(initial, tasks, AdamState.initial(initial.metaParameters().size()), 0, config.iterations(), progress);
    }

    /**
     * Iterations {@code [fromIteration, fromIteration + iterations)} from a given optimiser state:
     * resuming from a checkpoint taken after iteration i - 1 is {@code fromIteration = i}.
     */
    public Result metaTrain(MetaRouterModel initial, List<UserTask> tasks, AdamState state, int fromIteration, int iterations,
                            Consumer<IterationLog> progress) {
        return metaTrain(initial, tasks, null, state, fromIteration, iterations, progress);
    }

    /**
     * As above with a weight per user id in the accumulator ({@code null}: every user weighs 1),
     * e.g. the weights of {@link UserCap.Capped#weight()}.
     */
    public Result metaTrain(MetaRouterModel initial, List<UserTask> tasks, Map<String, Double> weights, AdamState state,
                            int fromIteration, int iterations, Consumer<IterationLog> progress) {
        Map<String, UserTask> byUser = new LinkedHashMap<>();
        for (UserTask t : tasks) {
            if (byUser.put(t.userId(), t) != null) throw new IllegalArgumentException("two tasks for user " + t.userId());
        }
        MetaParameters params = initial.metaParameters();
        UserMetaObjective objective = new UserMetaObjective(params.dims(), initial.basis(), initial.config(), config.objective());
        List<IterationLog> log = new ArrayList<>(iterations);
        for (int it = fromIteration; it < fromIteration + iterations; it++) {
            GradientAccumulator acc = new GradientAccumulator(params.size());
            for (String user : sampledUsers(byUser.keySet(), it)) {
                acc.add(objective.evaluate(params, byUser.get(user), config.seed(), it), weights == null ? 1.0 : weightOf(weights, user));
            }
            OuterStep.Result step = OuterStep.apply(params, state, acc, config.adam());
            params = step.params();
            state = step.state();
            IterationLog line = IterationLog.of(it, acc, step);
            log.add(line);
            if (progress != null) progress.accept(line);
        }
        return new Result(initial.withMetaParameters(params), state, List.copyOf(log));
    }

    /** The users of iteration {@code it}: exact-size or Bernoulli sampling (see {@link TrainerConfig#userSampleRate()}). */
    public List<String> sampledUsers(java.util.Collection<String> userIds, int it) {
        if (config.userSampleRate() > 0) {
            List<String> out = new ArrayList<>();
            for (String u : new java.util.TreeSet<>(userIds)) if (UserSampler.keep(config.seed(), it, u, config.userSampleRate())) out.add(u);
            return out;
        }
        return UserSampler.sample(config.seed(), it, userIds, config.usersPerIteration());
    }

    private static double weightOf(Map<String, Double> weights, String user) {
        Double w = weights.get(user);
        if (w == null) throw new IllegalArgumentException("no weight for user " + user);
        return w;
    }
}
