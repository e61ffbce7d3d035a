package ai.metarouter.core.serve;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.elicit.ComparisonPlanner;
import ai.metarouter.core.featurize.StableHash;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.FeedbackContexts;
import ai.metarouter.core.model.PreferencePosterior;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.serve.log.EventIds;
import ai.metarouter.core.serve.log.EventLog;
import ai.metarouter.core.serve.log.EventLogUnavailableException;
import ai.metarouter.core.serve.log.RotatingEventLog;
import ai.metarouter.core.serve.metrics.ServeMetrics;
import ai.metarouter.core.serve.reload.ModelWatcher;
import ai.metarouter.core.serve.reload.ReloadStatus;
import ai.metarouter.core.serve.reload.ServingVersion;
import ai.metarouter.core.serve.reload.VersionLoader;
import ai.metarouter.core.serve.reload.VersionRefusedException;
import ai.metarouter.core.serve.state.MemoryUserStore;
import ai.metarouter.core.serve.state.MvUserStore;
import ai.metarouter.core.serve.state.UserRecord;
import ai.metarouter.core.serve.state.UserStates;
import ai.metarouter.core.serve.state.UserStore;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The serving library: one instance per process, shared by the HTTP server, tests and anything
 * else that embeds core. Thread-safe.
 * <ul>
 *   <li>{@link #route}: featurise the query, score the candidates for the user's adapted state,
 *       draw with the configured exploration (seeded by the decision's event id, so a logged
 *       decision can be replayed), queue the decision for the event log, return it.</li>
 *   <li>{@link #feedback}: adapt the user's state at once (the next route sees it) and return
 *       when the new state and the feedback's log line are both durable.</li>
 *   <li>{@link #elicit}: the comparison whose answer would tell the router most about the user
 *       (active elicitation); a read, not logged.</li>
 *   <li>The served version follows {@code LATEST} ({@link ModelWatcher}); each request uses the
 *       version it read first, so a reload never fails a request.</li>
 * </ul>
 * Validation is here, not in the HTTP layer, so that every client gets the same errors: blank or
 * over-long user ids and queries, empty, repeated or unknown candidates, unknown models in
 * feedback, malformed elicitation requests are {@link InvalidRequestException}s.
 */
public final class RouterService implements AutoCloseable {
    /** The {@code policy} of logged route decisions (the evaluation's policy name for this router). */
    public static final String POLICY = "metarouter";

    private final ServeConfig config;
    private final Clock clock;
    private final ServeMetrics metrics;
    private final ArtifactRegistry registry;
    private final ModelWatcher watcher;
    private final UserStates users;
    private final EventLog eventLog;
    private final EventIds eventIds;

    private RouterService(ServeConfig config, Clock clock, ServeMetrics metrics, ArtifactRegistry registry, ModelWatcher watcher,
                          UserStates users, EventLog eventLog, EventIds eventIds) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.registry = registry;
        this.watcher = watcher;
        this.users = users;
        this.eventLog = eventLog;
        this.eventIds = eventIds;
    }

    public static RouterService start(ServeConfig config) throws IOException, VersionRefusedException {
        return start(config, Clock.systemUTC(), System.err);
    }

    /**
     * Opens the registry and loads the configured version (the promoted one by default; failing
     * if there is none or it is refused), opens the user store and the event log, and starts
     * following LATEST unless a version is pinned.
     */
    public static RouterService start(ServeConfig config, Clock clock, PrintStream log) throws IOException, VersionRefusedException {
        ServeMetrics metrics = new ServeMetrics();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ArtifactRegistry registry = ArtifactRegistry.open(config.registry());
            opened.add(registry);
            ModelWatcher watcher = ModelWatcher.open(new VersionLoader(registry, clock), config.version(), config.retryRefused(), clock,
                    metrics, log);
            opened.add(watcher);
            UserStore store = config.stateDir() == null
                    ? new MemoryUserStore(config.usersInMemory())
                    : MvUserStore.open(config.stateDir(), config.stateCacheMb());
            UserStates users = new UserStates(store, config.usersInMemory(), config.feedbackPerUser(), clock, metrics);
            opened.add(users);
            EventIds ids = EventIds.forThisProcess(clock.millis());
            EventLog eventLog = config.logDir() == null
                    ? EventLog.none()
                    : RotatingEventLog.open(config.logDir(), config.eventLog(), ids.instance(), clock, log);
            opened.add(eventLog);
            RouterService service = new RouterService(config, clock, metrics, registry, watcher, users, eventLog, ids);
            service.registerGauges();
            watcher.startPolling(config.pollInterval());
            return service;
        } catch (IOException | VersionRefusedException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) closeQuietly(opened.get(i));
            throw e;
        }
    }

    private void registerGauges() {
        metrics.gauge("metarouter_artifact_version", "The artifact version being served.", () -> watcher.current().version());
        metrics.gauge("metarouter_artifact_latest_pointer", "The version LATEST named at the last poll (-1: missing).",
                () -> watcher.status().latestPointer());
        metrics.gauge("metarouter_artifact_refused_version",
                "The version LATEST names that was refused as corrupt or incompatible (0: none; the old version keeps serving).",
                () -> watcher.status().refusing() ? watcher.status().refusedVersion() : 0);
        metrics.gauge("metarouter_users_in_memory", "Users whose adapted state is cached in memory.", users::usersInMemory);
        metrics.gauge("metarouter_users_stored", "Users with a stored record (feedback and adapted state).", users::usersStored);
        metrics.gauge("metarouter_event_log_healthy", "1 when the last event-log write succeeded.", () -> eventLog.healthy() ? 1 : 0);
        if (eventLog instanceof RotatingEventLog rotating) {
            metrics.gauge("metarouter_event_log_queue_depth", "Events queued for the log writer.", rotating::queueDepth);
            metrics.counterFrom("metarouter_event_log_events_written_total", "Events written to the log.", rotating::written);
            metrics.counterFrom("metarouter_event_log_write_failures_total", "Failed event-log writes (retried).",
                    rotating::writeFailures);
        }
    }

    /** Routes one query for one user. */
    public RouteResult route(RouteRequest request) {
        ServingVersion version = watcher.current();
        String userId = checkUserId(request.userId());
        String query = checkQuery(request.query());
        List<String> candidates = request.candidates() == null ? version.armIds() : request.candidates();
        int[] arms = resolveCandidates(candidates, version);
        UserState state = users.stateFor(userId, version);
        double[] scores = new double[arms.length];
        version.model().scores(version.model().featurize(query), arms, state, scores);
        String eventId = eventIds.next();
        Decision decision = config.exploration().decide(scores, StableHash.decisionSeed(eventId));
        String chosen = candidates.get(decision.chosenIndex());
        try {
            eventLog.append(InteractionEvent.route(eventId, userId, clock.millis(), null, query, null, candidates, chosen,
                    decision.propensity(), null, null, null, POLICY, version.version()));
        } catch (EventLogUnavailableException e) {
            throw new ServiceUnavailableException("cannot record the decision: " + e.getMessage(), e);
        }
        metrics.chosen(chosen);
        Map<String, Double> byModel = new LinkedHashMap<>();
        for (int i = 0; i < arms.length; i++) byModel.put(candidates.get(i), scores[i]);
        return new RouteResult(chosen, decision.propensity(), byModel, version.version(), eventId);
    }

    /** Takes one piece of feedback: the user's state adapts now; returns when it and its log line are durable. */
    public void feedback(FeedbackRequest request) {
        ServingVersion version = watcher.current();
        String userId = checkUserId(request.userId());
        Feedback feedback = request.feedback();
        checkQuery(feedback.query());
        String eventId = eventIds.next();
        long now = clock.millis();
        InteractionEvent event;
        String kind;
        if (feedback instanceof Feedback.Pairwise p) {
            checkModel(p.a(), version, "a.model");
            checkModel(p.b(), version, "b.model");
            event = InteractionEvent.preference(eventId, userId, now, null, p.query(), null, p.a(), p.b(), p.preferredA(), null,
                    version.version());
            kind = "pairwise";
        } else if (feedback instanceof Feedback.Reward r) {
            checkModel(r.outcome(), version, "model");
            event = InteractionEvent.reward(eventId, userId, now, null, r.query(), null, r.outcome(), r.reward(), null,
                    version.version());
            kind = "reward";
        } else {
            throw new InvalidRequestException("unsupported feedback " + feedback.getClass().getSimpleName());
        }
        CompletableFuture<Void> logged;
        try {
            logged = eventLog.appendDurable(event);
        } catch (EventLogUnavailableException e) {
            throw new ServiceUnavailableException("cannot record the feedback: " + e.getMessage(), e);
        }
        CompletableFuture<Void> stored = users.addFeedback(userId, feedback, version);
        awaitDurable(CompletableFuture.allOf(logged, stored));
        metrics.feedback(kind);
    }

    /**
     * The most informative comparison to show a user next: the user's Laplace posterior from their
     * stored feedback (the prior without any), every query (featurised once) x every unordered pair
     * of candidates described by the predictor's q^ and expected cost, scored and chosen by
     * {@link ComparisonPlanner#mostInformative}. Deterministic: the same state and request give
     * the same answer (ties: the first query, then the first pair in candidate order).
     */
    public ElicitResult elicit(ElicitRequest request) {
        ServingVersion version = watcher.current();
        MetaRouterModel model = version.model();
        String userId = checkUserId(request.userId());
        List<String> queries = checkQueries(request.queries());
        List<String> candidates = request.candidates() == null ? version.armIds() : request.candidates();
        if (candidates.size() < 2) {
            throw new InvalidRequestException("candidates must name at least 2 models to compare (omit it to compare all models)");
        }
        int[] arms = resolveCandidates(candidates, version);
        ComparisonPlanner.Asked asked = askedPairs(request.exclude(), queries.size(), candidates, version);
        ElicitRequest.QualityOutcomes outcomes = request.qualityOutcomes() != null ? request.qualityOutcomes()
                : ElicitRequest.QualityOutcomes.defaultFor(model.basis());

        Optional<UserRecord> record = users.record(userId);
        List<Feedback> feedback = record.map(UserRecord::feedback).orElse(List.of());
        // The stored state is this model's adaptation of exactly this feedback when the fingerprints agree.
        PreferencePosterior posterior = record.filter(r -> r.artifactFingerprint().equals(version.fingerprint()))
                .map(r -> model.posterior(r.state(), FeedbackContexts.of(feedback, model.basis(), model.costScale())))
                .orElseGet(() -> model.posterior(feedback));
        int n = arms.length;
        ComparisonPlanner.Grid grid = ComparisonPlanner.predict(model, queries, arms);
        double[] qHat = grid.qHat();
        double[] cost = grid.costUsd();
        ComparisonPlanner.Question best = ComparisonPlanner.mostInformative(posterior, model.basis(), model.costScale(),
                outcomes == ElicitRequest.QualityOutcomes.PASS_FAIL, queries.size(), n, qHat, cost, asked)
                .orElseThrow(() -> new InvalidRequestException("exclude covers every comparison of these queries and candidates; "
                        + "send other queries or candidates"));
        int a = best.query() * n + best.a();
        int b = best.query() * n + best.b();
        return new ElicitResult(best.query(), queries.get(best.query()), candidates.get(best.a()), candidates.get(best.b()),
                best.information(), new ElicitResult.Prediction(qHat[a], cost[a]), new ElicitResult.Prediction(qHat[b], cost[b]),
                feedback.size(), version.version());
    }

    private List<String> checkQueries(List<String> queries) {
        if (queries == null || queries.isEmpty()) throw new InvalidRequestException("queries must be a non-empty array of query texts");
        if (queries.size() > ElicitRequest.MAX_QUERIES) {
            throw new InvalidRequestException("queries has " + queries.size() + " entries, at most " + ElicitRequest.MAX_QUERIES
                    + " are allowed");
        }
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            String q = queries.get(i);
            if (q == null) throw new InvalidRequestException("queries[" + i + "] must be a string");
            if (q.length() > config.maxQueryChars()) {
                throw new InvalidRequestException("queries[" + i + "] is longer than " + config.maxQueryChars() + " characters");
            }
            Integer earlier = first.putIfAbsent(q, i);
            if (earlier != null) throw new InvalidRequestException("queries[" + i + "] repeats queries[" + earlier + "]; send each query once");
        }
        return queries;
    }

    /** The excluded comparisons as (query, a < b) over candidate positions; a model outside the candidates excludes nothing. */
    private static ComparisonPlanner.Asked askedPairs(List<ElicitRequest.Asked> exclude, int queries, List<String> candidates,
                                                      ServingVersion version) {
        if (exclude.isEmpty()) return ComparisonPlanner.Asked.NONE;
        if (exclude.size() > ElicitRequest.MAX_EXCLUDE) {
            throw new InvalidRequestException("exclude has " + exclude.size() + " entries, at most " + ElicitRequest.MAX_EXCLUDE
                    + " are allowed");
        }
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) position.put(candidates.get(i), i);
        int n = candidates.size();
        Set<Long> asked = new HashSet<>();
        for (int i = 0; i < exclude.size(); i++) {
            ElicitRequest.Asked e = exclude.get(i);
            if (e == null) throw new InvalidRequestException("exclude[" + i + "] must be an object {query_index, model_a, model_b}");
            if (e.queryIndex() < 0 || e.queryIndex() >= queries) {
                throw new InvalidRequestException("exclude[" + i + "].query_index must be in [0, " + (queries - 1) + "], got "
                        + e.queryIndex());
            }
            checkModel(e.modelA(), version, "exclude[" + i + "].model_a");
            checkModel(e.modelB(), version, "exclude[" + i + "].model_b");
            if (e.modelA().equals(e.modelB())) {
                throw new InvalidRequestException("exclude[" + i + "] compares '" + e.modelA() + "' with itself");
            }
            Integer pa = position.get(e.modelA());
            Integer pb = position.get(e.modelB());
            if (pa == null || pb == null) continue;
            asked.add(((long) e.queryIndex() * n + Math.min(pa, pb)) * n + Math.max(pa, pb));
        }
        return (query, a, b) -> asked.contains(((long) query * n + a) * n + b);
    }

    private void awaitDurable(CompletableFuture<Void> durable) {
        try {
            durable.get(config.durabilityTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ServiceUnavailableException("feedback was applied but is not yet durable after "
                    + config.durabilityTimeout().toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new ServiceUnavailableException("feedback was applied but could not be made durable: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while making feedback durable", e);
        }
    }

    private String checkUserId(String userId) {
        if (userId == null || userId.isBlank()) throw new InvalidRequestException("user_id must be a non-empty string");
        if (userId.length() > config.maxUserIdChars()) {
            throw new InvalidRequestException("user_id is longer than " + config.maxUserIdChars() + " characters");
        }
        return userId;
    }

    private String checkQuery(String query) {
        if (query == null) throw new InvalidRequestException("query must be a string");
        if (query.length() > config.maxQueryChars()) {
            throw new InvalidRequestException("query is longer than " + config.maxQueryChars() + " characters");
        }
        return query;
    }

    private static int[] resolveCandidates(List<String> candidates, ServingVersion version) {
        if (candidates.isEmpty()) throw new InvalidRequestException("candidates must not be empty (omit it to route among all models)");
        int[] arms = new int[candidates.size()];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < arms.length; i++) {
            String id = candidates.get(i);
            if (id == null) throw new InvalidRequestException("candidates must be model ids (strings)");
            int a = version.armIndex(id);
            if (a < 0) throw new InvalidRequestException("unknown model in candidates: '" + id + "' (artifact version "
                    + version.version() + " routes among " + version.armIds() + ")");
            if (!seen.add(id)) throw new InvalidRequestException("model '" + id + "' appears twice in candidates");
            arms[i] = a;
        }
        return arms;
    }

    private static void checkModel(Outcome outcome, ServingVersion version, String field) {
        checkModel(outcome.model(), version, field);
    }

    private static void checkModel(String model, ServingVersion version, String field) {
        if (model == null) throw new InvalidRequestException(field + " must be a model id (string)");
        if (version.armIndex(model) < 0) {
            throw new InvalidRequestException("unknown model in " + field + ": '" + model + "' (artifact version "
                    + version.version() + " knows " + version.armIds() + ")");
        }
    }

    /** The version serving now. */
    public ServingVersion version() {
        return watcher.current();
    }

    /** Polls LATEST now (instead of waiting for the next scheduled poll). */
    public ModelWatcher.PollOutcome reloadNow() {
        return watcher.pollNow();
    }

    public ReloadStatus reloadStatus() {
        return watcher.status();
    }

    public Health health() {
        return new Health(true, watcher.current().version(), watcher.status(), eventLog.healthy(), users.usersInMemory(),
                users.usersStored(), users.persistent());
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    public UserStates users() {
        return users;
    }

    public ServeConfig config() {
        return config;
    }

    /** Stops polling, writes out the event log, closes the user store and the registry. Call after the last request. */
    @Override
    public void close() {
        closeQuietly(watcher);
        closeQuietly(eventLog);
        closeQuietly(users);
        closeQuietly(registry);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("metarouter serve: error while closing " + c + ": " + e);
        }
    }
}
