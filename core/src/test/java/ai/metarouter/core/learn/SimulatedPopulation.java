package ai.metarouter.core.learn;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.core.sim.SyntheticBenchmark;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture on top of {@code core.sim}: a synthetic benchmark, simulated training users' logs,
 * and the method.md section 5 yardstick (realised true utility of routed models on held-out
 * queries; PGC against the population router and the known-preference router).
 */
final class SimulatedPopulation {
    final OutcomeTable table;
    final ModelCatalog catalog;
    final CostScale costScale;
    final ProfileDistribution profiles;
    final UserSimulator simulator;
    /** The train-split queries the outcome predictor is fitted on (every other train query is for users' logs). */
    final OutcomeTable predictorQueries;

    /**
     * The benchmark's train split is halved by query: the outcome predictor learns from one half,
     * simulated training users' logs are drawn from the other, so meta-training sees the predictor's
     * errors on queries it has not memorised, as it will in production (logs come after the
     * predictor). Held-out users are judged on the test split.
     */
    SimulatedPopulation(int queries, long seed) {
        SyntheticBenchmark.Dataset data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(seed).withQueries(queries));
        this.table = data.outcomes();
        this.catalog = data.catalog();
        this.costScale = catalog.costScale();
        this.profiles = new ProfileDistribution(ProfileDistribution.Config.defaults(), costScale, seed);
        OutcomeTable train = table.split("train");
        java.util.Set<String> forPredictor = new java.util.HashSet<>();
        for (int i = 0; i < train.numQueries(); i++) if (i % 2 == 0) forPredictor.add(train.query(i).id());
        this.predictorQueries = table.filterQueries(q -> forPredictor.contains(q.id()));
        OutcomeTable logQueries = table.filterQueries(q -> q.split().equals("train") && !forPredictor.contains(q.id()));
        this.simulator = new UserSimulator(logQueries, catalog, UserSimulator.Config.defaults(), seed);
    }

    List<SimulatedUser> users(String prefix, int n, UserSplit split) {
        List<SimulatedUser> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(profiles.draw(prefix + i, split));
        return out;
    }

    Map<String, List<InteractionEvent>> logs(List<SimulatedUser> users) {
        Map<String, List<InteractionEvent>> out = new LinkedHashMap<>();
        for (SimulatedUser u : users) out.put(u.userId(), simulator.simulate(u));
        return out;
    }

    /** Predicted outcomes of every held-out query for every model, computed once per predictor. */
    static final class HeldOut {
        final OutcomeTable test;
        final int[] arms;
        final double[][] qHat;
        final double[][] csHat;

        HeldOut(OutcomeTable test, MetaRouterModel model) {
            this.test = test;
            OutcomePredictor p = model.predictor();
            this.arms = p.resolve(test.models());
            int n = test.numQueries();
            qHat = new double[n][arms.length];
            csHat = new double[n][arms.length];
            double[] c = new double[arms.length];
            for (int i = 0; i < n; i++) {
                QueryFeatures x = model.featurize(test.query(i).prompt());
                p.predict(x, arms, qHat[i], c);
                for (int a = 0; a < arms.length; a++) csHat[i][a] = model.costScale().scale(c[a]);
            }
        }
    }

    /** The scorer of a router: per (query, candidate), its score; the router picks the argmax. */
    interface Scorer {
        double score(double q, double cs);
    }

    /** Mean true utility for {@code profile} of routing every held-out query to the argmax of {@code scorer}. */
    double realisedUtility(HeldOut h, UtilityProfile profile, Scorer scorer) {
        double total = 0;
        int n = 0;
        for (int i = 0; i < h.test.numQueries(); i++) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < h.arms.length; a++) {
                if (!h.test.has(i, a)) continue;
                double s = scorer.score(h.qHat[i][a], h.csHat[i][a]);
                if (s > bestScore) {
                    bestScore = s;
                    best = a;
                }
            }
            if (best < 0) continue;
            total += profile.utility(h.test.quality(i, best), h.test.cost(i, best), costScale);
            n++;
        }
        return total / n;
    }

    /** Utilities of the population, known-preference and adapted routers for one user. */
    record UserResult(double population, double known, double adapted) {}

    UserResult evaluate(HeldOut h, SimulatedUser user, MetaRouterModel model, List<? extends Feedback> contexts, double populationLambda) {
        UtilityProfile truth = user.profile();
        UserState state = model.adapt(contexts);
        double pop = realisedUtility(h, truth, (q, cs) -> q - populationLambda * cs);
        double known = realisedUtility(h, truth, (q, cs) -> truth.utility(q, costScale.unscale(cs), costScale));
        double adapted = realisedUtility(h, truth, (q, cs) -> state.utility(model.basis(), q, cs));
        return new UserResult(pop, known, adapted);
    }

    /** PGC over users: (mean adapted - mean population) / (mean known - mean population). */
    static double pgc(List<UserResult> results) {
        double pop = 0;
        double known = 0;
        double adapted = 0;
        for (UserResult r : results) {
            pop += r.population();
            known += r.known();
            adapted += r.adapted();
        }
        return (adapted - pop) / (known - pop);
    }
}
