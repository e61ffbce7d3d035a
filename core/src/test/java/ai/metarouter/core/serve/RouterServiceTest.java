package ai.metarouter.core.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.TensorBundle;
import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.featurize.StableHash;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.serve.bench.SyntheticArtifacts;
import ai.metarouter.core.serve.log.InteractionEventJson;
import ai.metarouter.core.serve.log.LogFileNames;
import ai.metarouter.core.serve.reload.ModelWatcher.PollOutcome;
import ai.metarouter.core.serve.state.UserRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library API without HTTP: routing, feedback, validation, logs, persistence, re-adaptation, reload. */
class RouterServiceTest {
    @TempDir
    Path tmp;

    private RouterService start(ServeConfig config) throws Exception {
        return RouterService.start(config, Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream(), true));
    }

    @Test
    void routesAmongTheGivenCandidatesOnlyAndSaysWithWhatProbability() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        try (RouterService service = start(ServeTestKit.config(registry).build())) {
            List<String> arms = service.version().armIds();
            List<String> subset = List.of(arms.get(4), arms.get(1), arms.get(7));
            RouteResult r = service.route(new RouteRequest("u1", "prove that sqrt(2) is irrational", subset));
            assertTrue(subset.contains(r.model()), r.model());
            assertEquals(subset, new ArrayList<>(r.scores().keySet()), "scores in candidate order");
            assertTrue(r.propensity() > 0 && r.propensity() <= 1, "propensity " + r.propensity());
            assertEquals(1, r.artifactVersion());
            RouteResult all = service.route(new RouteRequest("u1", "prove that sqrt(2) is irrational", null));
            assertEquals(arms, new ArrayList<>(all.scores().keySet()), "no candidates = every model");
        }
    }

    @Test
    void feedbackAdaptsTheUsersStateBeforeItReturns() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        try (RouterService service = start(ServeTestKit.config(registry).build())) {
            MetaRouterModel model = service.version().model();
            RouteRequest request = new RouteRequest("u2", "write a haiku about routers", null);
            Map<String, Double> before = service.route(request).scores();
            assertEquals(before, service.route(new RouteRequest("stranger", request.query(), null)).scores(),
                    "a user without feedback is routed by the prior");
            List<Feedback.Pairwise> said = ServeTestKit.comparisons(new UtilityProfile.Linear(5.0), 3, 11);
            for (Feedback.Pairwise f : said) service.feedback(new FeedbackRequest("u2", f));
            Map<String, Double> after = service.route(request).scores();
            assertNotEquals(before, after, "the next route reflects the feedback");
            UserState expected = model.adapt(said);
            assertEquals(expected, service.users().stateFor("u2", service.version()), "the state is the model's adaptation");
            assertEquals(3, service.users().record("u2").orElseThrow().feedback().size());
        }
    }

    @Test
    void refusesInvalidRequestsWithAMessageNamingTheProblem() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        try (RouterService service = start(ServeTestKit.config(registry).build())) {
            String arm = service.version().armIds().get(0);
            Map<RouteRequest, String> bad = Map.of(
                    new RouteRequest("u", "q", List.of("no-such-model")), "unknown model in candidates: 'no-such-model'",
                    new RouteRequest("u", "q", List.of()), "candidates must not be empty",
                    new RouteRequest("u", "q", List.of(arm, arm)), "appears twice",
                    new RouteRequest(" ", "q", null), "user_id must be a non-empty string",
                    new RouteRequest("u".repeat(300), "q", null), "user_id is longer than 256",
                    new RouteRequest("u", null, null), "query must be a string");
            bad.forEach((request, message) -> {
                InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> service.route(request));
                assertTrue(e.getMessage().contains(message), e.getMessage());
            });
            Feedback unknown = new Feedback.Reward("q", new Outcome("gpt-99", 0.5, 0.01), 0.3);
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> service.feedback(new FeedbackRequest("u", unknown)));
            assertTrue(e.getMessage().contains("unknown model in model: 'gpt-99'"), e.getMessage());
            assertTrue(service.users().record("u").isEmpty(), "refused feedback changes nothing");
        }
    }

    @Test
    void logsEveryDecisionAndFeedbackInTheInteractionSchemaSoDecisionsReplay() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        Path logs = tmp.resolve("logs");
        List<RouteResult> routed = new ArrayList<>();
        MetaRouterModel model;
        try (RouterService service = start(ServeTestKit.config(registry).logDir(logs).build())) {
            model = service.version().model();
            List<String> arms = service.version().armIds();
            for (String q : ServeTestKit.testQueries(5)) routed.add(service.route(new RouteRequest("u3", q, arms.subList(0, 4))));
            Feedback.Pairwise pair = ServeTestKit.comparisons(new UtilityProfile.Linear(0.2), 1, 3).get(0);
            service.feedback(new FeedbackRequest("u3", pair));
            service.feedback(new FeedbackRequest("u3", new Feedback.Reward("q", new Outcome(arms.get(2), 0.75, 0.002), 0.61)));
        }
        List<InteractionEvent> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".")) continue;
                assertTrue(LogFileNames.isComplete(name), "after close every log file is complete: " + name);
                for (String line : Files.readAllLines(f)) events.add(InteractionEventJson.parse(line));
            }
        }
        assertEquals(7, events.size());
        assertEquals(7, new HashSet<>(events.stream().map(InteractionEvent::eventId).toList()).size(), "event ids are unique");
        List<InteractionEvent> routes = events.stream().filter(e -> e.type() == EventType.ROUTE).toList();
        assertEquals(5, routes.size());
        for (int i = 0; i < routes.size(); i++) {
            InteractionEvent e = routes.get(i);
            RouteResult r = routed.get(i);
            assertEquals(r.eventId(), e.eventId());
            assertEquals(r.model(), e.model());
            assertEquals(r.propensity(), e.propensity());
            assertEquals(List.copyOf(r.scores().keySet()), e.candidates());
            assertEquals(RouterService.POLICY, e.policy());
            assertEquals(1, e.artifactVersion());
            // Replay: the logged candidates, the state at the time (the prior) and the seed from the event id.
            double[] scores = model.scores(model.featurize(e.query()), e.candidates(), model.prior());
            Decision replay = ServeTestKit.config(registry).build().exploration().decide(scores, StableHash.decisionSeed(e.eventId()));
            assertEquals(e.model(), e.candidates().get(replay.chosenIndex()), "a logged decision replays exactly");
        }
        assertEquals(1, events.stream().filter(e -> e.type() == EventType.PREFERENCE).count());
        InteractionEvent reward = events.stream().filter(e -> e.type() == EventType.REWARD).findFirst().orElseThrow();
        assertEquals(0.61, reward.reward());
        assertEquals(0.75, reward.quality());
    }

    @Test
    void statesSurviveARestartAndAreReadaptedWhenTheModelChanged() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        Path state = tmp.resolve("state");
        List<Feedback.Pairwise> said = ServeTestKit.comparisons(new UtilityProfile.Linear(0.05), 4, 5);
        UserState underV1;
        try (RouterService service = start(ServeTestKit.config(registry).stateDir(state).build())) {
            for (Feedback.Pairwise f : said) service.feedback(new FeedbackRequest("u4", f));
            underV1 = service.users().stateFor("u4", service.version());
        }
        try (RouterService service = start(ServeTestKit.config(registry).stateDir(state).build())) {
            assertEquals(underV1, service.users().stateFor("u4", service.version()), "a restart loses nothing");
            assertEquals(0, service.metrics().readaptations(), "same model: the stored state is used as it is");
        }
        int v2 = ServeTestKit.publish(registry, ServeTestKit.SEED + 1);
        ServeTestKit.promote(registry, v2);
        try (RouterService service = start(ServeTestKit.config(registry).stateDir(state).build())) {
            assertEquals(v2, service.version().version());
            UserRecord stored = service.users().record("u4").orElseThrow();
            assertEquals(1, stored.artifactVersion(), "the store still says which model adapted the state");
            UserState now = service.users().stateFor("u4", service.version());
            assertEquals(ServeTestKit.model(ServeTestKit.SEED + 1).adapt(said), now, "re-adapted by v2 from the stored feedback");
            assertNotEquals(underV1, now, "v1's weights are not read as v2's");
            assertEquals(v2, service.users().record("u4").orElseThrow().artifactVersion());
            assertEquals(1, service.metrics().readaptations());
        }
    }

    @Test
    void feedbackBeyondTheBoundDropsTheOldestFirst() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        try (RouterService service = start(ServeTestKit.config(registry).feedbackPerUser(3).build())) {
            List<Feedback.Pairwise> said = ServeTestKit.comparisons(new UtilityProfile.Linear(1.0), 5, 9);
            for (Feedback.Pairwise f : said) service.feedback(new FeedbackRequest("u5", f));
            assertEquals(List.copyOf(said.subList(2, 5)), service.users().record("u5").orElseThrow().feedback());
            assertEquals(service.version().model().adapt(said.subList(2, 5)), service.users().stateFor("u5", service.version()));
        }
    }

    @Test
    void swapsInAVerifiedVersionAndRefusesACorruptOrIncompatibleOne() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        try (RouterService service = start(ServeTestKit.config(registry).pollInterval(java.time.Duration.ofHours(1)).build())) {
            int v2 = ServeTestKit.publish(registry, ServeTestKit.SEED + 1);
            ServeTestKit.promote(registry, v2);
            assertEquals(PollOutcome.SWAPPED, service.reloadNow());
            assertEquals(v2, service.version().version());
            assertEquals(v2, service.route(new RouteRequest("u", "q", null)).artifactVersion());

            int v3 = ServeTestKit.publish(registry, ServeTestKit.SEED + 2);
            ServeTestKit.corruptWeights(registry, v3);
            ServeTestKit.pointLatestAt(registry, v3);
            assertEquals(PollOutcome.REFUSED, service.reloadNow());
            assertEquals(v2, service.version().version(), "the old version keeps serving");
            assertTrue(service.health().reload().refusing());
            assertTrue(service.health().reload().refusedReason().contains("weights.mrt"), service.health().reload().refusedReason());
            String metrics = service.metrics().scrape();
            assertTrue(metrics.contains("metarouter_artifact_refused_version " + v3), metrics);
            assertTrue(metrics.contains("metarouter_artifact_reload_failures_total 1"), metrics);
            assertEquals(PollOutcome.STILL_REFUSED, service.reloadNow(), "not re-read on every poll");

            int v4 = publishIncompatible(registry);
            ServeTestKit.promote(registry, v4);
            assertEquals(PollOutcome.REFUSED, service.reloadNow());
            assertTrue(service.health().reload().refusedReason().contains("model format 99 is not supported"),
                    service.health().reload().refusedReason());
            assertEquals(v2, service.version().version());

            ServeTestKit.promote(registry, v2);
            assertEquals(PollOutcome.UNCHANGED, service.reloadNow());
            assertTrue(!service.health().reload().refusing(), "rolled back: nothing refused any more");
        }
    }

    /** A version whose files all verify but whose model mapping this build cannot read. */
    private static int publishIncompatible(Path registry) throws IOException {
        MetaRouterModel model = ServeTestKit.model(ServeTestKit.SEED);
        TensorBundle weights = RouterArtifacts.weights(model);
        TensorBundle.Builder b = TensorBundle.builder();
        weights.tensors().forEach(b::put);
        weights.metadata().forEach((k, v) -> b.putMetadata(k, k.equals(RouterArtifacts.MODEL_FORMAT_KEY) ? "99" : v));
        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            return r.publish(RouterArtifacts.draft(model, new ai.metarouter.core.artifact.Manifest.TrainingData(
                    java.time.LocalDate.of(2025, 1, 1), java.time.LocalDate.of(2025, 1, 1), 0, 0),
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()), b.build(), Map.of());
        }
    }

    @Test
    void aPinnedVersionIsServedWhateverLatestSays() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        int v2 = ServeTestKit.publish(registry, ServeTestKit.SEED + 1);
        ServeTestKit.promote(registry, v2);
        try (RouterService service = start(ServeTestKit.config(registry).version("1").build())) {
            assertEquals(1, service.version().version());
            assertEquals(PollOutcome.UNCHANGED, service.reloadNow());
            assertEquals(1, service.route(new RouteRequest("u", "q", null)).artifactVersion());
        }
        Exception e = assertThrows(Exception.class, () -> start(ServeTestKit.config(registry).version("9").build()));
        assertTrue(e.getMessage().contains("has no version 9"), e.getMessage());
    }

    @Test
    void startupFailsWithAClearMessageWhenNothingIsPromoted() throws Exception {
        Path registry = tmp.resolve("empty-registry");
        ServeTestKit.publish(registry, ServeTestKit.SEED);
        Exception e = assertThrows(Exception.class, () -> start(ServeTestKit.config(registry).build()));
        assertTrue(e.getMessage().contains("LATEST"), e.getMessage());
    }

    @Test
    void syntheticArtifactsAreDeterministic() {
        MetaRouterModel a = SyntheticArtifacts.small(ServeTestKit.SEED).train();
        assertArrayEquals(ServeTestKit.model(ServeTestKit.SEED).metaParameters().toArray(), a.metaParameters().toArray());
    }
}
