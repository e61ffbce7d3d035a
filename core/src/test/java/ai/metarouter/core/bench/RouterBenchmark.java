package ai.metarouter.core.bench;

import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.bandit.Exploration;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.learn.OutcomePredictorTrainer;
import ai.metarouter.core.learn.OutcomeTrainerConfig;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.elicit.ComparisonPlanner;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.model.UtilityBasis;
import ai.metarouter.core.sim.SyntheticBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The serving hot paths with the default model sizes (4,096 hashed features, rank 16, d = 7,
 * H = 16, Z = 4, K = 5) over an 11-model pool:
 * <ul>
 *   <li>{@link #routeOneQuery}: featurise a 1,000-character query, predict 11 candidates, score for
 *       one user, softmax exploration with a seed (issue target: median <= 20 us, p99 <= 100 us);</li>
 *   <li>{@link #adaptEightContexts}: one feedback update, i.e. encoder + inner loop over 8
 *       contexts (target: <= 500 us);</li>
 *   <li>{@link #featurizeOnly}: the featuriser's share of routing;</li>
 *   <li>{@link #elicitAmongEightQueries}: what {@code POST /v1/elicit} computes for a user with 8
 *       pieces of feedback and 8 queries of 1,000 characters over 11 models: the Laplace posterior,
 *       q^ and cost of 88 (query, model) cells, the expected information of 440 pass/fail
 *       comparisons.</li>
 * </ul>
 * SampleTime mode reports percentiles. Each invocation routes a different one of 64 queries (all
 * 1,000 characters) with a fresh seed, so nothing is constant-folded or trivially cached.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class RouterBenchmark {
    private MetaRouterModel model;
    private List<String> candidates;
    private UserState user;
    private String[] queries;
    private List<Feedback> eightContexts;
    private final Exploration exploration = Exploration.softmax(0.05);
    private int[] allArms;
    private long seed;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(1).withQueries(600));
        FeatureSpec spec = FeatureSpec.defaults();
        OutcomePredictor predictor = new OutcomePredictorTrainer(OutcomeTrainerConfig.defaults().withEpochs(2))
                .fit(data.outcomes().split("train"), data.catalog(), new HashedNgramFeaturizer(spec));
        UtilityBasis basis = UtilityBasis.defaults();
        MetaParameters params = MetaParameters.initial(MetaDimensions.defaults(basis.dimension()), 1, 5.0);
        model = new MetaRouterModel(spec, predictor, data.catalog().costScale(), basis, params, ModelConfig.defaults());
        candidates = model.predictor().armIds();
        if (candidates.size() != 11) throw new IllegalStateException("expected 11 candidate models, got " + candidates.size());
        allArms = java.util.stream.IntStream.range(0, candidates.size()).toArray();
        SplittableRandom rng = new SplittableRandom(7);
        queries = new String[64];
        for (int i = 0; i < queries.length; i++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 1000) {
                sb.append(data.outcomes().query(rng.nextInt(data.outcomes().numQueries())).prompt()).append(' ');
            }
            queries[i] = sb.substring(0, 1000);
        }
        eightContexts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String a = candidates.get(rng.nextInt(11));
            String b = candidates.get(rng.nextInt(11));
            Outcome oa = new Outcome(a, rng.nextDouble(), 1e-4 + 1e-2 * rng.nextDouble());
            Outcome ob = new Outcome(b, rng.nextDouble(), 1e-4 + 1e-2 * rng.nextDouble());
            eightContexts.add(i % 4 == 3 ? new Feedback.Reward("q" + i, oa, rng.nextDouble() - 0.3)
                    : new Feedback.Pairwise("q" + i, oa, ob, rng.nextBoolean()));
        }
        user = model.adapt(eightContexts.subList(0, 6));
    }

    @Benchmark
    public Decision routeOneQuery() {
        String q = queries[next++ & 63];
        return model.route(q, candidates, user, exploration, seed++);
    }

    @Benchmark
    public UserState adaptEightContexts() {
        return model.adapt(eightContexts);
    }

    @Benchmark
    public java.util.Optional<ComparisonPlanner.Question> elicitAmongEightQueries() {
        int from = next++ & 63;
        List<String> eight = new ArrayList<>(8);
        for (int i = 0; i < 8; i++) eight.add(queries[(from + i) & 63]);
        ComparisonPlanner.Grid grid = ComparisonPlanner.predict(model, eight, allArms);
        return ComparisonPlanner.mostInformative(model.posterior(eightContexts), model.basis(), model.costScale(), true, eight.size(),
                allArms.length, grid.qHat(), grid.costUsd(), ComparisonPlanner.Asked.NONE);
    }

    @Benchmark
    public QueryFeatures featurizeOnly() {
        return model.featurize(queries[next++ & 63]);
    }
}
