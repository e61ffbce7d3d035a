package ai.metarouter.core.learn;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns one user's interaction-log events into a {@link UserTask}: sorts them by (time, event id),
 * normalises costs, and for route events predicts each candidate's outcome with the frozen
 * outcome predictor and maps it into the utility basis (once per task, not per iteration).
 * Invalid events, and route events whose chosen model the predictor does not know, are counted in
 * {@link UserTask#skippedEvents()}; candidates the predictor does not know are dropped from the
 * candidate set (they are arms removed since logging). Thread-safe.
 */
public final class UserTaskBuilder {
    private static final Comparator<InteractionEvent> TIME_ORDER =
            Comparator.comparingLong(InteractionEvent::tsMillis).thenComparing(InteractionEvent::eventId);

    private final HashedNgramFeaturizer featurizer;
    private final OutcomePredictor predictor;
    private final CostScale costScale;
    private final UtilityBasis basis;

    public UserTaskBuilder(HashedNgramFeaturizer featurizer, OutcomePredictor predictor, CostScale costScale, UtilityBasis basis) {
        this.featurizer = featurizer;
        this.predictor = predictor;
        this.costScale = costScale;
        this.basis = basis;
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
        int[] known = java.util.Arrays.copyOf(arms, n);
        QueryFeatures x = featurizer.featurize(e.query());
        double[] q = new double[n];
        double[] c = new double[n];
        predictor.predict(x, known, q, c);
        int d = basis.dimension();
        double[] psi = new double[n * d];
        for (int i = 0; i < n; i++) basis.value(q[i], costScale.scale(c[i]), psi, i * d);
        double reward = e.reward() == null ? Double.NaN : e.reward();
        double oq = e.quality() == null ? Double.NaN : e.quality();
        double ocs = e.costUsd() == null ? Double.NaN : costScale.scale(e.costUsd());
        return new TaskEvent.Route(psi, n, chosen, e.propensity(), reward, oq, ocs);
    }
}
