package ai.metarouter.core.learn;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one user's interaction-log events into a {@link UserTask}: sorts them by (time, event id),
 * normalises costs, and for route events predicts each candidate's outcome with the frozen
 * outcome predictor and maps it into the utility basis (once per task, not per iteration).
 * Invalid events, and route events whose chosen model the predictor does not know, are counted in
 * {@link UserTask#skippedEvents()}; candidates the predictor does not know are dropped from the
 * candidate set (they are arms removed since logging). Thread-safe, except a builder made by
 * {@link #withPredictionCache}.
 */
public final class UserTaskBuilder {
    private static final Comparator<InteractionEvent> TIME_ORDER =
            Comparator.comparingLong(InteractionEvent::tsMillis).thenComparing(InteractionEvent::eventId);

    private final HashedNgramFeaturizer featurizer;
    private final OutcomePredictor predictor;
    private final CostScale costScale;
    private final UtilityBasis basis;
    /** (query, known arms) -> candidates' psi; null: no cache. */
    private final Map<PredictionKey, double[]> predictions;

    public UserTaskBuilder(HashedNgramFeaturizer featurizer, OutcomePredictor predictor, CostScale costScale, UtilityBasis basis) {
        this(featurizer, predictor, costScale, basis, 0);
    }

    private UserTaskBuilder(HashedNgramFeaturizer featurizer, OutcomePredictor predictor, CostScale costScale, UtilityBasis basis,
                            int cacheCapacity) {
        this.featurizer = featurizer;
        this.predictor = predictor;
        this.costScale = costScale;
        this.basis = basis;
        this.predictions = cacheCapacity <= 0 ? null : new LinkedHashMap<>(Math.min(cacheCapacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PredictionKey, double[]> eldest) {
                return size() > cacheCapacity;
            }
        };
    }

    /**
     * A builder (not thread-safe: one per task or thread) that remembers the candidates' psi of the
     * last {@code capacity} distinct (query text, candidate arms). Why: featurising the query and
     * predicting every candidate's outcome was most of the split by user, and logs repeat queries
     * (the same prompt routed for many users); the predictor is a pure function of the two, so a hit
     * gives the same values bit for bit. Memory: about {@code capacity x (query + 8 n d)} bytes.
     */
    public UserTaskBuilder withPredictionCache(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("prediction cache capacity must be >= 1");
        return new UserTaskBuilder(featurizer, predictor, costScale, basis, capacity);
    }

    /** The builder matching a model (its featuriser, predictor, cost scale and basis). */
    public static UserTaskBuilder forModel(MetaRouterModel model) {
        return new UserTaskBuilder(model.featurizer(), model.predictor(), model.costScale(), model.basis());
    }

    /** One user's task; {@code events} may be in any order and must all belong to {@code userId}. */
    public UserTask build(String userId, List<InteractionEvent> events) {
        List<InteractionEvent> sorted = new ArrayList<>(events);
        sorted.sort(TIME_ORDER);
        List<TaskEvent> out = new ArrayList<>(sorted.size());
        int skipped = 0;
        for (InteractionEvent e : sorted) {
            if (!userId.equals(e.userId())) throw new IllegalArgumentException("event " + e.eventId() + " belongs to user " + e.userId() + ", not " + userId);
            TaskEvent t = e.problems().isEmpty() ? convert(e) : null;
            if (t == null) skipped++;
            else out.add(t);
        }
        return new UserTask(userId, basis.dimension(), out, skipped);
    }

    private TaskEvent convert(InteractionEvent e) {
        return switch (e.type()) {
            case PREFERENCE -> {
                boolean aWins = "a".equals(e.preferred());
                double qa = e.qualityA();
                double ca = costScale.scale(e.costUsdA());
                double qb = e.qualityB();
                double cb = costScale.scale(e.costUsdB());
                yield aWins ? new TaskEvent.Pair(qa, ca, qb, cb) : new TaskEvent.Pair(qb, cb, qa, ca);
            }
            case REWARD -> new TaskEvent.Reward(e.quality(), costScale.scale(e.costUsd()), e.reward());
            case ROUTE -> route(e);
        };
    }

    private TaskEvent route(InteractionEvent e) {
        List<String> cands = e.candidates();
        int[] arms = new int[cands.size()];
        int n = 0;
        int chosen = -1;
        for (String c : cands) {
            int a = predictor.armIndex(c);
            if (a < 0) continue;
            if (c.equals(e.model())) chosen = n;
            arms[n++] = a;
        }
        if (chosen < 0) return null;
        int[] known = Arrays.copyOf(arms, n);
        double[] psi;
        if (predictions == null) {
            psi = candidatePsi(e.query(), known);
        } else {
            // Each task owns its copy: the cached array is shared by every later hit.
            psi = predictions.computeIfAbsent(new PredictionKey(e.query(), known), k -> candidatePsi(e.query(), known)).clone();
        }
        double reward = e.reward() == null ? Double.NaN : e.reward();
        double oq = e.quality() == null ? Double.NaN : e.quality();
        double ocs = e.costUsd() == null ? Double.NaN : costScale.scale(e.costUsd());
        return new TaskEvent.Route(psi, n, chosen, e.propensity(), reward, oq, ocs);
    }

    /** psi(q^, cs^) of each known arm for the query, n x d. */
    private double[] candidatePsi(String query, int[] known) {
        int n = known.length;
        QueryFeatures x = featurizer.featurize(query);
        double[] q = new double[n];
        double[] c = new double[n];
        predictor.predict(x, known, q, c);
        int d = basis.dimension();
        double[] psi = new double[n * d];
        for (int i = 0; i < n; i++) basis.value(q[i], costScale.scale(c[i]), psi, i * d);
        return psi;
    }

    /** A query text with the arm indices of its known candidates, in order. */
    private static final class PredictionKey {
        private final String query;
        private final int[] arms;
        private final int hash;

        PredictionKey(String query, int[] arms) {
            this.query = query;
            this.arms = arms;
            this.hash = 31 * Objects.hashCode(query) + Arrays.hashCode(arms);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PredictionKey k && hash == k.hash && Objects.equals(query, k.query) && Arrays.equals(arms, k.arms);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
