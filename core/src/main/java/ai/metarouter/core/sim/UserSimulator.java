package ai.metarouter.core.sim;

import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import ai.metarouter.core.data.UtilityProfile;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns an outcome table into one user's interaction log. Per user, {@link Config#preferences()}
 * preference events and {@link Config#routes()} route events, in random order, at times spread
 * uniformly over [{@code startDate}, {@code startDate + days}) UTC and sorted.
 * <ul>
 *   <li>Preference: a random query (of the configured split), two different models that have an
 *       outcome on it, and the Bradley-Terry draw
 *       {@code P(a preferred) = sigmoid(beta * (U(q_a, c_a) - U(q_b, c_b)))}.</li>
 *   <li>Route: a random query, a candidate set (every model with an outcome, or a random subset of
 *       {@link Config#maxCandidates()}), a choice by the {@link LoggingPolicy} with its propensity,
 *       the observed quality and cost, and reward = true utility (+ Gaussian noise if configured).</li>
 * </ul>
 * Event ids are {@code <userId>-e<seq>} with seq in time order. Everything about a user is drawn
 * from streams seeded by (seed, userId), so it does not matter which thread or partition
 * simulates which user. Thread-safe: instances hold only immutable state.
 */
public final class UserSimulator {
    /** {@code policy} column of preference events: pairs are drawn uniformly. */
    public static final String PREFERENCE_POLICY = "uniform-pair";

    /**
     * @param preferences preference events per user (the user's feedback contexts)
     * @param routes route events per user
     * @param policy logging policy of the route events
     * @param rewardNoiseSd standard deviation of Gaussian noise on route rewards (0 = exact utility)
     * @param querySplit queries to draw from: {@code train}, {@code test} or {@code all}
     * @param maxCandidates candidate-set size of route events; 0 means every model with an outcome
     * @param startDate first day of the log (UTC)
     * @param days number of days the events spread over
     *
     * <p>Serializable so that Spark jobs can ship it inside task closures.
     */
    public record Config(int preferences, int routes, LoggingPolicy policy, double rewardNoiseSd, String querySplit,
                         int maxCandidates, LocalDate startDate, int days)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final int DEFAULT_PREFERENCES = 16;
        public static final int DEFAULT_ROUTES = 16;
        public static final LocalDate DEFAULT_START = LocalDate.of(2025, 1, 1);
        public static final int DEFAULT_DAYS = 28;

        public Config {
            if (preferences < 0 || routes < 0 || preferences + routes == 0) {
                throw new IllegalArgumentException("need preferences >= 0, routes >= 0 and at least one event, got "
                        + preferences + ", " + routes);
            }
            if (policy == null) throw new IllegalArgumentException("logging policy is missing");
            if (!(rewardNoiseSd >= 0) || Double.isInfinite(rewardNoiseSd)) throw new IllegalArgumentException("reward noise must be >= 0");
            if (!List.of("train", "test", "all").contains(querySplit)) {
                throw new IllegalArgumentException("query split must be train, test or all, got " + querySplit);
            }
            if (maxCandidates < 0 || maxCandidates == 1) {
                throw new IllegalArgumentException("max candidates must be 0 (all) or >= 2, got " + maxCandidates);
            }
            if (startDate == null) throw new IllegalArgumentException("start date is missing");
            if (days < 1) throw new IllegalArgumentException("days must be >= 1, got " + days);
        }

        public static Config defaults() {
            return new Config(DEFAULT_PREFERENCES, DEFAULT_ROUTES, LoggingPolicy.uniform(), 0.0, "train", 0, DEFAULT_START, DEFAULT_DAYS);
        }

        public Config withEvents(int preferences, int routes) {
            return new Config(preferences, routes, policy, rewardNoiseSd, querySplit, maxCandidates, startDate, days);
        }

        public Config withPolicy(LoggingPolicy p) {
            return new Config(preferences, routes, p, rewardNoiseSd, querySplit, maxCandidates, startDate, days);
        }

        public Config withRewardNoise(double sd) {
            return new Config(preferences, routes, policy, sd, querySplit, maxCandidates, startDate, days);
        }

        public Config withQuerySplit(String split) {
            return new Config(preferences, routes, policy, rewardNoiseSd, split, maxCandidates, startDate, days);
        }

        public Config withMaxCandidates(int k) {
            return new Config(preferences, routes, policy, rewardNoiseSd, querySplit, k, startDate, days);
        }

        public Config withDates(LocalDate start, int nDays) {
            return new Config(preferences, routes, policy, rewardNoiseSd, querySplit, maxCandidates, start, nDays);
        }
    }

    private static final long DAY_MILLIS = 86_400_000L;

    private final OutcomeTable table;
    private final CostScale costScale;
    private final Config config;
    private final long seed;
    /** Rows of the table usable for events: in the configured split, with outcomes from >= 2 models. */
    private final int[] eligibleQueries;
    /** Per eligible query, the model indices with an outcome, cheapest (catalog mean cost) first. */
    private final int[][] presentModels;
    /** Model index -> rank by mean quality over the table (0 = strongest). */
    private final int[] strengthRank;
    private final String[] modelIds;
    private final long startMillis;

    /**
     * @param table the outcomes users' events are drawn from
     * @param catalog the pool: its cost scale defines utilities, its mean costs which model is cheapest
     * @param config what to generate per user
     * @param seed run seed
     */
    public UserSimulator(OutcomeTable table, ModelCatalog catalog, Config config, long seed) {
        if (table == null || catalog == null || config == null) throw new IllegalArgumentException("table, catalog and config are required");
        this.table = table;
        this.costScale = catalog.costScale();
        this.config = config;
        this.seed = seed;
        int nModels = table.numModels();
        this.modelIds = table.models().toArray(new String[0]);

        double[] meanCost = new double[nModels];
        double[] meanQuality = new double[nModels];
        for (int m = 0; m < nModels; m++) {
            meanCost[m] = catalog.find(modelIds[m]).map(i -> i.meanCostUsd()).orElse(table.meanCost(m));
            meanQuality[m] = table.meanQuality(m);
            if (Double.isNaN(meanQuality[m])) meanQuality[m] = Double.NEGATIVE_INFINITY;
        }
        Integer[] byCost = new Integer[nModels];
        Integer[] byStrength = new Integer[nModels];
        for (int m = 0; m < nModels; m++) byCost[m] = byStrength[m] = m;
        // Ties broken by index so the order is a function of the table alone.
        Arrays.sort(byCost, (a, b) -> meanCost[a] != meanCost[b] ? Double.compare(meanCost[a], meanCost[b]) : Integer.compare(a, b));
        Arrays.sort(byStrength, (a, b) -> meanQuality[a] != meanQuality[b] ? Double.compare(meanQuality[b], meanQuality[a]) : Integer.compare(a, b));
        this.strengthRank = new int[nModels];
        for (int r = 0; r < nModels; r++) strengthRank[byStrength[r]] = r;

        List<Integer> eligible = new ArrayList<>();
        List<int[]> present = new ArrayList<>();
        for (int i = 0; i < table.numQueries(); i++) {
            QueryRecord q = table.query(i);
            if (!config.querySplit().equals("all") && !config.querySplit().equals(q.split())) continue;
            int[] row = new int[nModels];
            int n = 0;
            for (Integer m : byCost) if (table.has(i, m)) row[n++] = m;
            if (n >= 2) {
                eligible.add(i);
                present.add(Arrays.copyOf(row, n));
            }
        }
        if (eligible.isEmpty()) {
            throw new IllegalArgumentException("no " + config.querySplit() + " query has outcomes from two or more models");
        }
        this.eligibleQueries = eligible.stream().mapToInt(Integer::intValue).toArray();
        this.presentModels = present.toArray(new int[0][]);
        this.startMillis = config.startDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    public Config config() {
        return config;
    }

    public CostScale costScale() {
        return costScale;
    }

    /** Number of queries events are drawn from. */
    public int eligibleQueryCount() {
        return eligibleQueries.length;
    }

    /** Total events {@link #simulate} produces per user. */
    public int eventsPerUser() {
        return config.preferences() + config.routes();
    }

    /** The user's true utility of an outcome. */
    public double utility(SimulatedUser user, double quality, double costUsd) {
        return user.profile().utility(quality, costUsd, costScale);
    }

    /** Bradley-Terry probability that {@code user} prefers {@code a} over {@code b}. */
    public double preferenceProbability(SimulatedUser user, Outcome a, Outcome b) {
        UtilityProfile p = user.profile();
        return Seeds.sigmoid(user.beta() * (p.utility(a.quality(), a.costUsd(), costScale) - p.utility(b.quality(), b.costUsd(), costScale)));
    }

    /** The user's events, sorted by time. */
    public List<InteractionEvent> simulate(SimulatedUser user) {
        SplittableRandom rng = Seeds.random(seed, "events", user.userId());
        int n = eventsPerUser();
        long[] times = new long[n];
        long span = config.days() * DAY_MILLIS;
        for (int e = 0; e < n; e++) times[e] = startMillis + (long) (rng.nextDouble() * span);
        Arrays.sort(times);
        // Which slots are route events: a uniformly random subset of size routes (partial Fisher-Yates).
        boolean[] isRoute = new boolean[n];
        int[] slots = new int[n];
        for (int e = 0; e < n; e++) slots[e] = e;
        for (int r = 0; r < config.routes(); r++) {
            int k = r + rng.nextInt(n - r);
            int t = slots[r];
            slots[r] = slots[k];
            slots[k] = t;
            isRoute[slots[r]] = true;
        }
        List<InteractionEvent> events = new ArrayList<>(n);
        int width = Math.max(4, String.valueOf(n - 1).length());
        for (int e = 0; e < n; e++) {
            String eventId = eventId(user.userId(), e, width);
            events.add(isRoute[e] ? route(user, eventId, times[e], rng) : preference(user, eventId, times[e], rng));
        }
        return events;
    }

    /** {@code <userId>-e<seq>} with seq zero-padded to {@code width} digits, so ids sort in time order. */
    private static String eventId(String userId, int seq, int width) {
        String digits = Integer.toString(seq);
        StringBuilder sb = new StringBuilder(userId.length() + 2 + width).append(userId).append("-e");
        for (int pad = digits.length(); pad < width; pad++) sb.append('0');
        return sb.append(digits).toString();
    }

    /**
     * {@code k} fresh comparisons for {@code user}, drawn like preference events but from their own
     * stream (named {@code stream}), so they never coincide with the user's logged events by
     * construction. Nested: the first {@code j} of {@code sampleContexts(u, k, s)} equal
     * {@code sampleContexts(u, j, s)}, so "k contexts" curves compare like with like.
     */
    public List<Feedback.Pairwise> sampleContexts(SimulatedUser user, int k, String stream) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0");
        SplittableRandom rng = Seeds.random(seed, "contexts", stream, user.userId());
        List<Feedback.Pairwise> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            InteractionEvent e = preference(user, "ctx", startMillis, rng);
            out.add((Feedback.Pairwise) e.feedback().orElseThrow());
        }
        return out;
    }

    private InteractionEvent preference(SimulatedUser user, String eventId, long ts, SplittableRandom rng) {
        int pick = rng.nextInt(eligibleQueries.length);
        int qi = eligibleQueries[pick];
        int[] models = presentModels[pick];
        int ia = rng.nextInt(models.length);
        int ib = rng.nextInt(models.length - 1);
        if (ib >= ia) ib++;
        Outcome a = outcome(qi, models[ia]);
        Outcome b = outcome(qi, models[ib]);
        boolean preferA = rng.nextDouble() < preferenceProbability(user, a, b);
        QueryRecord q = table.query(qi);
        return InteractionEvent.preference(eventId, user.userId(), ts, q.id(), q.prompt(), q.task(), a, b, preferA,
                PREFERENCE_POLICY, null);
    }

    private InteractionEvent route(SimulatedUser user, String eventId, long ts, SplittableRandom rng) {
        int pick = rng.nextInt(eligibleQueries.length);
        int qi = eligibleQueries[pick];
        int[] candidates = candidates(presentModels[pick], rng);
        int anchor = anchor(candidates);
        LoggingPolicy policy = config.policy();
        int n = candidates.length;
        double u = rng.nextDouble();
        int chosen = n - 1;
        for (int i = 0; i < n; i++) {
            u -= policy.propensity(i, n, anchor);
            if (u < 0) {
                chosen = i;
                break;
            }
        }
        double propensity = policy.propensity(chosen, n, anchor);
        int m = candidates[chosen];
        double quality = table.quality(qi, m);
        double cost = table.cost(qi, m);
        double reward = utility(user, quality, cost);
        if (config.rewardNoiseSd() > 0) reward += config.rewardNoiseSd() * Seeds.gaussian(rng);
        List<String> candidateIds = new ArrayList<>(n);
        for (int c : candidates) candidateIds.add(modelIds[c]);
        QueryRecord q = table.query(qi);
        return InteractionEvent.route(eventId, user.userId(), ts, q.id(), q.prompt(), q.task(), candidateIds, modelIds[m],
                propensity, quality, cost, reward, policy.wireName(), null);
    }

    /** The candidate set: all present models (cheapest first), or a random subset kept in that order. */
    private int[] candidates(int[] present, SplittableRandom rng) {
        int k = config.maxCandidates();
        if (k == 0 || k >= present.length) return present;
        int[] idx = new int[present.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = Arrays.copyOf(idx, k);
        Arrays.sort(chosen);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = present[chosen[i]];
        return out;
    }

    /** Position of the policy's anchor in {@code candidates} (cheapest is first by construction). */
    private int anchor(int[] candidates) {
        if (config.policy().kind() != LoggingPolicy.Kind.EPSILON_STRONGEST) return 0;
        int best = 0;
        for (int i = 1; i < candidates.length; i++) {
            if (strengthRank[candidates[i]] < strengthRank[candidates[best]]) best = i;
        }
        return best;
    }

    private Outcome outcome(int query, int model) {
        return new Outcome(modelIds[model], table.quality(query, model), table.cost(query, model));
    }
}
