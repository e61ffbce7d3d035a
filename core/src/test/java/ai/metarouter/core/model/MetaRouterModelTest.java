package ai.metarouter.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.bandit.Exploration;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.featurize.StableHash;
import ai.metarouter.core.learn.OutcomePredictorTrainer;
import ai.metarouter.core.learn.OutcomeTrainerConfig;
import ai.metarouter.core.sim.SyntheticBenchmark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetaRouterModelTest {
    private static MetaRouterModel model;
    private static SyntheticBenchmark.Dataset data;

    @BeforeAll
    static void build() {
        data = SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(3).withQueries(400));
        FeatureSpec spec = FeatureSpec.defaults();
        OutcomePredictor p = new OutcomePredictorTrainer(OutcomeTrainerConfig.defaults().withEpochs(3))
                .fit(data.outcomes().split("train"), data.catalog(), new ai.metarouter.core.featurize.HashedNgramFeaturizer(spec));
        UtilityBasis basis = UtilityBasis.defaults();
        // perturbed parameters, so that every block matters in the round trip
        MetaParameters init = MetaParameters.initial(MetaDimensions.defaults(basis.dimension()), 9, 5.0);
        double[] v = init.toArray();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < v.length; i++) v[i] += 0.05 * MetaParameters.nextGaussian(rng);
        model = new MetaRouterModel(spec, p, data.catalog().costScale(), basis, MetaParameters.of(init.dims(), v), ModelConfig.defaults());
    }

    private static List<Feedback> someFeedback() {
        List<Feedback> f = new ArrayList<>();
        f.add(new Feedback.Pairwise("q1", new Outcome(ids().get(0), 0.9, 0.01), new Outcome(ids().get(1), 0.4, 0.0002), true));
        f.add(new Feedback.Pairwise("q2", new Outcome(ids().get(2), 0.7, 0.002), new Outcome(ids().get(3), 0.8, 0.02), false));
        f.add(new Feedback.Reward("q3", new Outcome(ids().get(4), 0.6, 0.001), 0.35));
        f.add(new Feedback.Pairwise("q4", new Outcome(ids().get(5), 0.5, 0.0001), new Outcome(ids().get(6), 0.95, 0.05), true));
        f.add(new Feedback.Reward("q5", new Outcome(ids().get(7), 0.2, 0.0003), -0.1));
        return f;
    }

    private static List<String> ids() {
        return model.predictor().armIds();
    }

    @Test
    void posteriorIsTheAdaptedThetaWithTheInverseOfTheFeedbackHessian() {
        List<Feedback> f = someFeedback();
        PreferencePosterior post = model.posterior(f);
        assertArrayEquals(model.adapt(f).theta(), post.mean(), 0.0, "the Laplace mean is the adapted theta");
        // The precision written out independently: the prior's rho, each comparison's sigma(1 - sigma) v v',
        // each reward's w_r psi psi' (InnerLoop's loss at theta').
        int d = model.basis().dimension();
        double[] theta = post.mean();
        FeedbackContexts ctx = FeedbackContexts.of(f, model.basis(), model.costScale());
        double[] h = new double[d * d];
        double[] logRho = model.metaParameters().block(MetaBlock.LOG_RHO);
        for (int j = 0; j < d; j++) h[j * d + j] = Math.exp(logRho[j]);
        double[] v = ctx.pairDiffsView();
        for (int i = 0; i < ctx.pairCount(); i++) {
            double t = 0;
            for (int j = 0; j < d; j++) t += theta[j] * v[i * d + j];
            double s = 1 / (1 + Math.exp(-t));
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) h[a * d + b] += s * (1 - s) * v[i * d + a] * v[i * d + b];
        }
        double[] psi = ctx.rewardPsiView();
        assertTrue(ctx.rewardCount() > 0 && ctx.pairCount() > 0, "the feedback has both kinds");
        for (int i = 0; i < ctx.rewardCount(); i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) h[a * d + b] += model.config().rewardWeight() * psi[i * d + a] * psi[i * d + b];
            }
        }
        double[] cov = post.covariance();
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double sum = 0;
                for (int j = 0; j < d; j++) sum += cov[a * d + j] * h[j * d + b];
                assertEquals(a == b ? 1.0 : 0.0, sum, 1e-9, "Sigma H at " + a + "," + b);
            }
        }
        // No feedback: the prior, N(theta_init, diag(1/rho)).
        PreferencePosterior prior = model.posterior(List.of());
        assertArrayEquals(model.prior().theta(), prior.mean(), 0.0);
        for (int j = 0; j < d; j++) assertEquals(Math.exp(-logRho[j]), prior.covariance()[j * d + j], 1e-12 * Math.exp(-logRho[j]));
    }

    @Test
    void blocksRoundTripToTheSameRouter() {
        Map<String, NamedTensor> blocks = model.toBlocks();
        List<ModelInfo> arms = new ArrayList<>();
        for (ArmDescriptor a : model.predictor().arms()) arms.add(a.info());
        Map<String, Object> d = model.describe();
        @SuppressWarnings("unchecked")
        MetaRouterModel back = MetaRouterModel.fromBlocks(blocks, FeatureSpec.fromMap((Map<String, ?>) d.get("feature_spec")), arms,
                model.costScale(), UtilityBasis.fromMap((Map<String, ?>) d.get("utility_basis")),
                ModelConfig.fromMap((Map<String, ?>) d.get("model_config")));
        assertEquals(model.metaParameters(), back.metaParameters());
        assertEquals(model.predictor().arms(), back.predictor().arms());
        UserState u = model.adapt(someFeedback());
        assertEquals(u, back.adapt(someFeedback()));
        QueryFeatures x = model.featurize("Write a function that sorts a list of prices, then explain the cost.");
        assertArrayEquals(model.scores(x, ids(), u), back.scores(x, ids(), u));
        for (MetaBlock b : MetaBlock.values()) assertTrue(blocks.containsKey(b.blockName()), b.blockName());
        assertTrue(blocks.containsKey(OutcomePredictor.BLOCK_PROJECTION));
    }

    @Test
    void priorIsTheStateWithoutFeedbackAndFeedbackMovesIt() {
        assertEquals(model.prior(), model.adapt(List.of()));
        assertEquals(0, model.prior().contexts());
        UserState u = model.adapt(someFeedback());
        assertEquals(5, u.contexts());
        assertNotEquals(model.prior(), u);
    }

    @Test
    void adaptationDoesNotDependOnTheOrderOfContextsBeyondRounding() {
        List<Feedback> f = someFeedback();
        double[] a = model.adapt(f).theta();
        for (int seed = 0; seed < 5; seed++) {
            List<Feedback> g = new ArrayList<>(f);
            Collections.shuffle(g, new Random(seed));
            double[] b = model.adapt(g).theta();
            for (int j = 0; j < a.length; j++) assertEquals(a[j], b[j], 1e-12 * Math.max(1, Math.abs(a[j])));
        }
    }

    @Test
    void scoresAreTheUsersEstimatedUtilityOfPredictedOutcomes() {
        UserState u = model.adapt(someFeedback());
        QueryFeatures x = model.featurize("Prove that the sum of two even numbers is even.");
        List<String> cands = List.of(ids().get(3), ids().get(0), ids().get(7));
        double[] s = model.scores(x, cands, u);
        double[] h = model.predictor().queryRepresentation(x);
        for (int i = 0; i < cands.size(); i++) {
            int a = model.predictor().armIndex(cands.get(i));
            double q = model.predictor().expectedQuality(h, a);
            double cs = model.costScale().scale(model.predictor().expectedCost(x.tokenCount(), a));
            double expected = 0;
            double[] psi = model.basis().value(q, cs);
            for (int j = 0; j < psi.length; j++) expected += u.theta(j) * psi[j];
            assertEquals(expected, s[i], 1e-12);
        }
    }

    @Test
    void routingIsReproducibleAndAnySubsetOfArmsCanBeOffered() {
        UserState u = model.adapt(someFeedback());
        String q = "Summarise the following customer email in two sentences.";
        Exploration ex = Exploration.softmax(0.05);
        for (int e = 0; e < 20; e++) {
            long seed = StableHash.decisionSeed("evt-" + e);
            assertEquals(model.route(q, ids(), u, ex, seed), model.route(q, ids(), u, ex, seed));
        }
        Decision greedy = model.route(q, ids(), u, Exploration.greedy(), 1);
        double[] s = model.scores(model.featurize(q), ids(), u);
        int best = 0;
        for (int i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
        assertEquals(best, greedy.chosenIndex());
        // Remove the best arm from the predictor: nothing else changes, and it can no longer be offered.
        String removed = ids().get(best);
        MetaRouterModel smaller = model.withPredictor(model.predictor().withoutArm(removed));
        List<String> rest = new ArrayList<>(ids());
        rest.remove(removed);
        double[] s2 = smaller.scores(smaller.featurize(q), rest, u);
        for (int i = 0, k = 0; i < s.length; i++) if (i != best) assertEquals(s[i], s2[k++], 0.0);
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> smaller.route(q, ids(), u, ex, 1));
        assertTrue(err.getMessage().contains(removed), err.getMessage());
    }

    @Test
    void metaParametersValidateAndExposeBlocks() {
        MetaParameters p = model.metaParameters();
        assertEquals(p.dims().size(), p.size());
        assertEquals(p, MetaParameters.fromBlocks(p.toBlocks()));
        double[] alpha = p.block(MetaBlock.LOG_ALPHA);
        alpha[0] = 1.25;
        MetaParameters q = p.withBlock(MetaBlock.LOG_ALPHA, alpha);
        assertEquals(1.25, q.block(MetaBlock.LOG_ALPHA)[0]);
        assertNotEquals(p, q);
        double[] bad = p.toArray();
        bad[3] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> MetaParameters.of(p.dims(), bad));
        Map<String, NamedTensor> blocks = new java.util.LinkedHashMap<>(p.toBlocks());
        blocks.put(MetaBlock.A.blockName(), NamedTensor.of(MetaBlock.A.blockName(), new int[] {2, 2}, new double[4]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetaParameters.fromBlocks(blocks));
        assertTrue(e.getMessage().contains("meta.A"), e.getMessage());
    }
}
