package ai.metarouter.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import ai.metarouter.core.data.UtilityProfile;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserSimulatorTest {
    private static final SyntheticBenchmark.Dataset DATA =
            SyntheticBenchmark.generate(SyntheticBenchmark.Config.defaults(5).withQueries(600));
    private static final UserSimulator.Config CONFIG = UserSimulator.Config.defaults()
            .withDates(LocalDate.of(2025, 3, 1), 7);

    private static SimulatedUser user(String id, double lambda, double beta) {
        return new SimulatedUser(id, UserSplit.ID, new UtilityProfile.Linear(lambda), beta);
    }

    @Test
    void eventsAreDeterministicPerSeedAndUser() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG, 9);
        UserSimulator again = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG, 9);
        UserSimulator otherSeed = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG, 10);
        SimulatedUser u = user("id-000000001", 0.5, 10);
        List<InteractionEvent> first = sim.simulate(u);
        // Another user in between must not change this user's events.
        sim.simulate(user("id-000000002", 0.3, 5));
        assertEquals(first, sim.simulate(u));
        assertEquals(first, again.simulate(u));
        assertNotEquals(first, otherSeed.simulate(u));
        assertNotEquals(first, sim.simulate(user("id-000000003", 0.5, 10)));
    }

    @Test
    void everyEventIsValidTimeOrderedInRangeAndUniquelyIdentified() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG, 1);
        ProfileDistribution dist = new ProfileDistribution(ProfileDistribution.Config.defaults(), DATA.catalog().costScale(), 1);
        long start = LocalDate.of(2025, 3, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long end = LocalDate.of(2025, 3, 8).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Set<String> ids = new HashSet<>();
        Set<String> days = new HashSet<>();
        Set<String> trainIds = new HashSet<>();
        for (QueryRecord q : DATA.outcomes().queries()) if (q.split().equals("train")) trainIds.add(q.id());
        for (UserSplit split : UserSplit.values()) {
            for (int i = 0; i < 100; i++) {
                SimulatedUser u = dist.draw(ProfileDistribution.userId(split, i), split);
                List<InteractionEvent> events = sim.simulate(u);
                assertEquals(CONFIG.preferences() + CONFIG.routes(), events.size());
                assertEquals(CONFIG.preferences(), events.stream().filter(e -> e.type() == EventType.PREFERENCE).count());
                assertEquals(CONFIG.routes(), events.stream().filter(e -> e.type() == EventType.ROUTE).count());
                long prev = Long.MIN_VALUE;
                for (InteractionEvent e : events) {
                    assertEquals(List.of(), e.problems(), e.toString());
                    assertEquals(u.userId(), e.userId());
                    assertTrue(e.tsMillis() >= prev);
                    assertTrue(e.tsMillis() >= start && e.tsMillis() < end);
                    assertTrue(ids.add(e.eventId()), "duplicate event id " + e.eventId());
                    assertTrue(trainIds.contains(e.queryId()), "query " + e.queryId() + " is not a train query");
                    assertEquals(DATA.outcomes().query(DATA.outcomes().queryIndex(e.queryId())).prompt(), e.query());
                    days.add(e.dt());
                    prev = e.tsMillis();
                }
            }
        }
        assertEquals(7, days.size(), "events should spread over every day: " + days);
    }

    @Test
    void observedOutcomesAndRewardsComeFromTheTableAndTheTrueUtility() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG, 2);
        SimulatedUser u = new SimulatedUser("u", UserSplit.OOD, new UtilityProfile.QualityFloor(0.8, 0.4), 8);
        OutcomeTable t = DATA.outcomes();
        for (InteractionEvent e : sim.simulate(u)) {
            int qi = t.queryIndex(e.queryId());
            if (e.type() == EventType.ROUTE) {
                int m = t.modelIndex(e.model());
                assertEquals(t.quality(qi, m), e.quality());
                assertEquals(t.cost(qi, m), e.costUsd());
                assertEquals(u.profile().utility(e.quality(), e.costUsd(), DATA.catalog().costScale()), e.reward(), 1e-12);
                assertEquals(t.numModels(), e.candidates().size());
            } else {
                assertNotEquals(e.modelA(), e.modelB());
                assertEquals(t.quality(qi, t.modelIndex(e.modelA())), e.qualityA());
                assertEquals(t.cost(qi, t.modelIndex(e.modelB())), e.costUsdB());
            }
        }
    }

    @Test
    void rewardNoiseIsGaussianAroundTheUtility() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG.withEvents(0, 2000).withRewardNoise(0.1), 3);
        SimulatedUser u = user("noisy", 0.5, 10);
        double sum = 0, sumSq = 0;
        int n = 0;
        for (InteractionEvent e : sim.simulate(u)) {
            double r = e.reward() - sim.utility(u, e.quality(), e.costUsd());
            sum += r;
            sumSq += r * r;
            n++;
        }
        assertEquals(0.0, sum / n, 0.01);
        assertEquals(0.1, Math.sqrt(sumSq / n), 0.01);
    }

    /** Two models on one query: every preference event compares the same pair. */
    private static OutcomeTable twoModelTable() {
        return OutcomeTable.builder(List.of("cheap", "dear"))
                .addQuery(new QueryRecord("q1", "qa", "what is a photon", "train"))
                .set("q1", "cheap", 0.55, 1e-5)
                .set("q1", "dear", 0.80, 1e-3)
                .build();
    }

    private static ModelCatalog twoModelCatalog() {
        return new ModelCatalog("test", List.of(new ModelInfo("cheap", 0.1, 0.2, 1e-5, 1), new ModelInfo("dear", 10.0, 30.0, 1e-3, 1)));
    }

    @Test
    void preferenceRatesMatchBradleyTerry() {
        UserSimulator sim = new UserSimulator(twoModelTable(), twoModelCatalog(), CONFIG.withEvents(40, 0), 4);
        for (double lambda : new double[] {0.1, 0.25, 0.6}) {
            double beta = 6;
            SimulatedUser probe = user("probe", lambda, beta);
            double pDear = sim.preferenceProbability(probe, new Outcome("dear", 0.80, 1e-3), new Outcome("cheap", 0.55, 1e-5));
            // U(dear) - U(cheap) = 0.25 - lambda * (cs(1e-3) - cs(1e-5)) = 0.25 - lambda.
            assertEquals(1.0 / (1.0 + Math.exp(-beta * (0.25 - lambda))), pDear, 1e-12);
            int dearWins = 0, n = 0;
            for (int i = 0; i < 250; i++) {
                for (InteractionEvent e : sim.simulate(user("u" + i, lambda, beta))) {
                    String winner = e.preferred().equals("a") ? e.modelA() : e.modelB();
                    if (winner.equals("dear")) dearWins++;
                    n++;
                }
            }
            double rate = dearWins / (double) n;
            double sd = Math.sqrt(pDear * (1 - pDear) / n);
            assertEquals(pDear, rate, 4 * sd, "lambda " + lambda + ": rate " + rate + " vs " + pDear);
        }
    }

    @Test
    void uniformPolicyRecordsOneOverNAndChoosesUniformly() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG.withEvents(0, 50), 5);
        Map<String, Integer> chosen = new HashMap<>();
        int n = 0;
        for (int i = 0; i < 200; i++) {
            for (InteractionEvent e : sim.simulate(user("u" + i, 0.5, 10))) {
                assertEquals(1.0 / 11, e.propensity(), 1e-12);
                assertEquals("uniform", e.policy());
                chosen.merge(e.model(), 1, Integer::sum);
                n++;
            }
        }
        for (String m : DATA.catalog().ids()) {
            double p = 1.0 / 11;
            assertEquals(p, chosen.getOrDefault(m, 0) / (double) n, 4 * Math.sqrt(p * (1 - p) / n), m);
        }
    }

    @Test
    void epsilonGreedyPropensitiesMatchTheChoiceFrequencies() {
        for (LoggingPolicy policy : List.of(LoggingPolicy.epsilonCheapest(0.3), LoggingPolicy.epsilonStrongest(0.3))) {
            UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG.withEvents(0, 50).withPolicy(policy), 6);
            Map<String, Integer> chosen = new HashMap<>();
            Map<String, Double> recorded = new HashMap<>();
            int n = 0;
            for (int i = 0; i < 200; i++) {
                for (InteractionEvent e : sim.simulate(user("u" + i, 0.5, 10))) {
                    chosen.merge(e.model(), 1, Integer::sum);
                    Double before = recorded.put(e.model(), e.propensity());
                    if (before != null) assertEquals(before, e.propensity(), 1e-12, "full candidate sets: one propensity per model");
                    assertEquals(policy.wireName(), e.policy());
                    n++;
                }
            }
            String anchor = policy.kind() == LoggingPolicy.Kind.EPSILON_CHEAPEST ? "nano-1b" : strongest();
            double pAnchor = 1 - 0.3 + 0.3 / 11;
            assertEquals(pAnchor, recorded.get(anchor), 1e-12, policy.wireName());
            for (Map.Entry<String, Double> r : recorded.entrySet()) {
                double p = r.getValue();
                if (!r.getKey().equals(anchor)) assertEquals(0.3 / 11, p, 1e-12);
                assertEquals(p, chosen.get(r.getKey()) / (double) n, 4 * Math.sqrt(p * (1 - p) / n) + 1e-3, r.getKey());
            }
        }
    }

    private static String strongest() {
        OutcomeTable t = DATA.outcomes();
        int best = 0;
        for (int m = 1; m < t.numModels(); m++) if (t.meanQuality(m) > t.meanQuality(best)) best = m;
        return t.model(best);
    }

    @Test
    void candidateSubsetsHaveTheConfiguredSizeAndContainTheChoice() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG.withEvents(0, 100).withMaxCandidates(3), 7);
        Set<String> seen = new HashSet<>();
        for (InteractionEvent e : sim.simulate(user("u", 0.5, 10))) {
            assertEquals(3, e.candidates().size());
            assertEquals(3, new HashSet<>(e.candidates()).size());
            assertTrue(e.candidates().contains(e.model()));
            assertEquals(1.0 / 3, e.propensity(), 1e-12);
            seen.addAll(e.candidates());
        }
        assertTrue(seen.size() > 5, "subsets should vary: " + seen);
    }

    @Test
    void sampledContextsAreDeterministicNestedAndDistinctFromTheLog() {
        UserSimulator sim = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG, 8);
        SimulatedUser u = user("id-000000005", 0.4, 10);
        List<Feedback.Pairwise> k32 = sim.sampleContexts(u, 32, "eval");
        assertEquals(32, k32.size());
        assertEquals(k32, sim.sampleContexts(u, 32, "eval"));
        assertEquals(k32.subList(0, 6), sim.sampleContexts(u, 6, "eval"));
        assertNotEquals(k32, sim.sampleContexts(u, 32, "other"));
        assertEquals(List.of(), sim.sampleContexts(u, 0, "eval"));
        List<Feedback> logged = sim.simulate(u).stream().filter(e -> e.type() == EventType.PREFERENCE)
                .map(e -> e.feedback().orElseThrow()).toList();
        assertNotEquals(logged, k32.subList(0, logged.size()));
    }

    @Test
    void querySplitSelectsTheQueries() {
        UserSimulator test = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG.withQuerySplit("test"), 1);
        long nTest = DATA.outcomes().queries().stream().filter(q -> q.split().equals("test")).count();
        assertEquals(nTest, test.eligibleQueryCount());
        UserSimulator all = new UserSimulator(DATA.outcomes(), DATA.catalog(), CONFIG.withQuerySplit("all"), 1);
        assertEquals(DATA.outcomes().numQueries(), all.eligibleQueryCount());
        assertThrows(IllegalArgumentException.class, () -> CONFIG.withQuerySplit("dev"));
    }

    @Test
    void queriesWithFewerThanTwoOutcomesAreSkipped() {
        OutcomeTable sparse = OutcomeTable.builder(List.of("cheap", "dear"))
                .addQuery(new QueryRecord("q1", "qa", "one outcome only", "train"))
                .addQuery(new QueryRecord("q2", "qa", "both", "train"))
                .set("q1", "cheap", 0.5, 1e-5)
                .set("q2", "cheap", 0.5, 1e-5)
                .set("q2", "dear", 0.9, 1e-3)
                .build();
        UserSimulator sim = new UserSimulator(sparse, twoModelCatalog(), CONFIG.withEvents(20, 20), 1);
        assertEquals(1, sim.eligibleQueryCount());
        for (InteractionEvent e : sim.simulate(user("u", 0.5, 10))) assertEquals("q2", e.queryId());

        OutcomeTable none = OutcomeTable.builder(List.of("cheap", "dear"))
                .addQuery(new QueryRecord("q1", "qa", "one outcome only", "train"))
                .set("q1", "cheap", 0.5, 1e-5).build();
        assertThrows(IllegalArgumentException.class, () -> new UserSimulator(none, twoModelCatalog(), CONFIG, 1));
    }

    @Test
    void loggingPolicySpecsParse() {
        assertEquals(LoggingPolicy.uniform(), LoggingPolicy.parse("uniform"));
        assertEquals(LoggingPolicy.epsilonCheapest(0.1), LoggingPolicy.parse("epsilon-cheapest:0.1"));
        assertEquals(LoggingPolicy.epsilonStrongest(0.2), LoggingPolicy.parse("epsilon-strongest"));
        assertThrows(IllegalArgumentException.class, () -> LoggingPolicy.parse("greedy"));
        assertThrows(IllegalArgumentException.class, () -> LoggingPolicy.parse("epsilon-cheapest:2"));
    }
}
