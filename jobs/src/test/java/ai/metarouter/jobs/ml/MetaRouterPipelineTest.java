package ai.metarouter.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Tensor;
import ai.metarouter.core.bandit.Softmax;
import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import ai.metarouter.core.serve.ServeTestKit;
import ai.metarouter.core.serve.http.HttpRouterServer;
import ai.metarouter.core.serve.log.InteractionEventJson;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.LocalSpark;
import ai.metarouter.jobs.train.TrainTestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MLlib API end to end on local[2]: fit the estimator in a Pipeline on a simulated log, save
 * the PipelineModel, reload it, route a backlog; the same decisions as the saved artifact served
 * over HTTP for the same users, feedback and queries; bad input gives clear errors.
 */
class MetaRouterPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static Dataset<Row> log;
    private static PipelineModel fitted;
    private static List<MlTestData.Request> backlog;

    @BeforeAll
    static void fitPipeline() {
        spark = LocalSpark.start(MetaRouterPipelineTest.class);
        Path outcomes = tmp.resolve("outcomes");
        Path logs = tmp.resolve("logs");
        TrainTestData.writeOutcomes(spark, outcomes);
        TrainTestData.simulate(spark, logs, 30, 6, 4, 21);
        log = InteractionLogs.read(spark, logs.toString());
        fitted = new Pipeline().setStages(new PipelineStage[] {small(new MetaRouterEstimator()).setOutcomesPath(outcomes.toString())})
                .fit(log);
        backlog = MlTestData.backlog(MlTestData.comparisons(log), 4, 5, model(fitted).coreModel().predictor().armIds());
    }

    @AfterAll
    static void stop() {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    /** Small, fast training settings. */
    static MetaRouterEstimator small(MetaRouterEstimator e) {
        return e.setMaxIter(4).setUsersPerIteration(10).setNumFeatures(512).setOutcomeMaxIter(3).setOutcomeRank(4).setHiddenSize(6)
                .setLatentDim(2).setMaxEventsPerUser(64).setNumPartitions(2);
    }

    static MetaRouterModel model(PipelineModel pm) {
        return (MetaRouterModel) pm.stages()[0];
    }

    /** What a row was routed to: (event id) -> [model, propensity, scores]. */
    static Map<String, List<Object>> decisions(Dataset<Row> routed) {
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (Row r : routed.select("event_id", "routed_model", "routed_propensity", "routed_scores").orderBy("event_id").collectAsList()) {
            out.put(r.getString(0), List.of(r.getString(1), r.getDouble(2), r.getJavaMap(3)));
        }
        return out;
    }

    @Test
    void aSavedAndReloadedPipelineRoutesTheBacklogExactlyAsBefore() throws Exception {
        Dataset<Row> requests = MlTestData.frame(spark, backlog);
        Dataset<Row> routed = fitted.transform(requests);
        assertEquals(List.of("event_id", "user_id", "query", "contexts", "candidates", "routed_model", "routed_propensity", "routed_scores"),
                List.of(routed.columns()));
        Map<String, List<Object>> before = decisions(routed);
        assertEquals(backlog.size(), before.size());
        List<String> arms = model(fitted).coreModel().predictor().armIds();
        for (MlTestData.Request r : backlog) {
            List<Object> d = before.get(r.eventId());
            List<String> candidates = r.candidates() == null ? arms : r.candidates();
            assertTrue(candidates.contains((String) d.get(0)), r + " -> " + d);
            double p = (Double) d.get(1);
            assertTrue(p > 0 && p <= 1, "propensity " + p);
            assertEquals(new HashSet<>(candidates), ((Map<?, ?>) d.get(2)).keySet(), "a score per candidate");
        }
        // The newcomer is scored with the population prior, a user with feedback with the state adapted to it.
        var core = model(fitted).coreModel();
        for (MlTestData.Request r : List.of(backlog.get(0), backlog.get(backlog.size() - 1))) {
            double[] prior = core.scores(core.featurize(r.query()), r.candidates() == null ? arms : r.candidates(), core.prior());
            List<String> candidates = r.candidates() == null ? arms : r.candidates();
            Map<String, Double> priorScores = new LinkedHashMap<>();
            for (int i = 0; i < prior.length; i++) priorScores.put(candidates.get(i), prior[i]);
            Object batchScores = before.get(r.eventId()).get(2);
            if (r.contexts().isEmpty()) assertEquals(priorScores, batchScores, r.userId());
            else assertNotEquals(priorScores, batchScores, r.userId());
        }

        assertEquals(before, decisions(fitted.transform(requests.repartition(3))), "decisions do not depend on the partitioning");
        // Without event ids, each draw is seeded from the row's user and query: still the same on any partitioning.
        Dataset<Row> anonymous = requests.drop("event_id");
        assertEquals(fitted.transform(anonymous).orderBy("user_id", "query").collectAsList(),
                fitted.transform(anonymous.repartition(3)).orderBy("user_id", "query").collectAsList());

        Path saved = tmp.resolve("pipeline-model");
        fitted.write().overwrite().save(saved.toString());
        PipelineModel reloaded = PipelineModel.load(saved.toString());
        assertEquals(before, decisions(reloaded.transform(requests)), "the reloaded pipeline decides exactly as the fitted one");

        // The stage directory is a registry with the model's version promoted: the artifact, not a copy of it in another format.
        Path stage;
        try (Stream<Path> stages = Files.list(saved.resolve("stages"))) {
            stage = stages.findFirst().orElseThrow();
        }
        try (ArtifactRegistry registry = ArtifactRegistry.open(stage.toString())) {
            assertEquals(List.of(1), registry.listVersions());
            LoadedArtifact v1 = registry.latest();
            assertTensorsEqual(RouterArtifacts.weights(model(fitted).coreModel()).tensors(), v1.weights().tensors());
            assertEquals(model(fitted).manifestDraft().trainingConfig().toString(), v1.manifest().trainingConfig().toString());
            assertEquals(model(fitted).manifestDraft().metrics().toString(), v1.manifest().metrics().toString());
        }
        assertEquals(1, model(reloaded).artifactVersion().getAsInt());

        // A reloaded model saved again is the same version, byte for byte.
        Path again = tmp.resolve("saved-again");
        model(reloaded).write().save(again.toString());
        for (String file : List.of("manifest.json", "weights.mrt", "training-log.json")) {
            assertArrayEquals(Files.readAllBytes(stage.resolve("v1").resolve(file)), Files.readAllBytes(again.resolve("v1").resolve(file)), file);
        }
    }

    @Test
    void decisionsEqualTheSavedArtifactServedOverHttp() throws Exception {
        Path saved = tmp.resolve("model-for-http");
        model(fitted).write().overwrite().save(saved.toString());
        Path registry = tmp.resolve("serving-registry");
        try (ArtifactRegistry source = ArtifactRegistry.open(saved.toString()); ArtifactRegistry target = ArtifactRegistry.open(registry.toString())) {
            target.promote(target.importVersion(source.latest()));
        }

        // The model's exploration defaults are the server's.
        MetaRouterModel model = MetaRouterModel.load(saved.toString());
        assertEquals(ServeConfig.defaults(registry.toString()).build().exploration(), spec(model).strategy());
        // Both explore flatter than the default here, so that the draws (seeded by the server's event ids, which
        // differ from run to run) pick various models and the chosen-model comparison tests the seeding.
        model.setExploration("softmax").setExplorationTau(1.0).setMinPropensity(0.01);

        // Over HTTP: every user's feedback first, then the backlog's routes in order.
        Path serveLogs = tmp.resolve("serve-logs");
        ServeConfig config = ServeTestKit.config(registry).logDir(serveLogs).exploration(new Softmax(1.0, 0.01)).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        List<JsonNode> served = new ArrayList<>();
        try (RouterService service = RouterService.start(config, Clock.systemUTC(), quiet);
             HttpRouterServer server = HttpRouterServer.start(service, config, quiet)) {
            String base = server.baseUrl();
            Set<String> told = new HashSet<>();
            for (MlTestData.Request r : backlog) {
                if (told.add(r.userId())) {
                    for (MlTestData.Context c : r.contexts()) {
                        ObjectNode body = JSON.createObjectNode().put("user_id", r.userId()).put("query", c.query());
                        if (c.isPair()) {
                            body.putObject("a").put("model", c.modelA()).put("quality", c.qualityA()).put("cost_usd", c.costA());
                            body.putObject("b").put("model", c.modelB()).put("quality", c.qualityB()).put("cost_usd", c.costB());
                            body.put("preferred", c.preferred());
                        } else {
                            body.put("model", c.model()).put("quality", c.quality()).put("cost_usd", c.cost()).put("reward", c.reward());
                        }
                        ServeTestKit.Response f = ServeTestKit.post(base + "/v1/feedback", body.toString());
                        assertEquals(204, f.status(), f.body());
                    }
                }
            }
            for (MlTestData.Request r : backlog) {
                ObjectNode body = JSON.createObjectNode().put("user_id", r.userId()).put("query", r.query());
                if (r.candidates() != null) r.candidates().forEach(body.putArray("candidates")::add);
                ServeTestKit.Response response = ServeTestKit.post(base + "/v1/route", body.toString());
                assertEquals(200, response.status(), response.body());
                served.add(JSON.readTree(response.body()));
            }
        }
        // The server seeded each draw by the decision's event id; its decision log names them, in request order.
        List<InteractionEvent> logged = new ArrayList<>();
        try (Stream<Path> files = Files.list(serveLogs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    InteractionEvent e = InteractionEventJson.parse(line);
                    if (e.type() == EventType.ROUTE) logged.add(e);
                }
            }
        }
        assertEquals(backlog.size(), logged.size());

        List<MlTestData.Request> replay = new ArrayList<>();
        for (int i = 0; i < backlog.size(); i++) {
            MlTestData.Request r = backlog.get(i);
            assertEquals(r.query(), logged.get(i).query());
            replay.add(new MlTestData.Request(logged.get(i).eventId(), r.userId(), r.query(), r.contexts(), r.candidates()));
        }
        Dataset<Row> routed = model.transform(MlTestData.frame(spark, replay));
        Map<String, List<Object>> batch = decisions(routed);
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < replay.size(); i++) {
            JsonNode http = served.get(i);
            List<Object> d = batch.get(replay.get(i).eventId());
            String where = "request " + i + " (user " + replay.get(i).userId() + ", event " + replay.get(i).eventId() + ")";
            assertEquals(http.get("model").textValue(), d.get(0), where);
            assertEquals(http.get("propensity").doubleValue(), (Double) d.get(1), 0.0, where);
            Map<String, Double> httpScores = new LinkedHashMap<>();
            http.get("scores").fields().forEachRemaining(e -> httpScores.put(e.getKey(), e.getValue().doubleValue()));
            assertEquals(httpScores, d.get(2), where);
            chosen.add(http.get("model").textValue());
        }
        assertTrue(chosen.size() > 1, "the comparison covers more than one chosen model: " + chosen);
    }

    @Test
    void aModelLoadsFromARegistryOrAVersionDirectoryAndKeepsItsParams() throws Exception {
        Path saved = tmp.resolve("model-params");
        MetaRouterModel fittedModel = model(fitted);
        MetaRouterModel tuned = fittedModel.copy(new org.apache.spark.ml.param.ParamMap()).setScoresCol("utility").setExploration("greedy");
        tuned.write().save(saved.toString());
        MetaRouterModel back = MetaRouterModel.load(saved.toString());
        assertEquals(tuned.uid(), back.uid());
        assertEquals("utility", back.getScoresCol());
        assertEquals("greedy", back.getExploration());
        assertEquals(fittedModel.getMaxContexts(), back.getMaxContexts());

        // A registry version directory (no MLlib metadata) loads with the default Params.
        MetaRouterModel version = MetaRouterModel.load(saved.resolve("v1").toString());
        assertEquals(1, version.artifactVersion().getAsInt());
        assertEquals("routed_scores", version.getScoresCol());
        assertTensorsEqual(RouterArtifacts.weights(fittedModel.coreModel()).tensors(),
                RouterArtifacts.weights(version.coreModel()).tensors());

        // A registry with nothing promoted says so.
        Path unpromoted = tmp.resolve("unpromoted");
        try (ArtifactRegistry r = ArtifactRegistry.open(unpromoted.toString()); ArtifactRegistry s = ArtifactRegistry.open(saved.toString())) {
            r.importVersion(s.latest());
        }
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> MetaRouterModel.load(unpromoted.toString()));
        assertTrue(none.getMessage().contains("LATEST") && none.getMessage().contains("v<N>"), none.getMessage());
        assertEquals(1, MetaRouterModel.load(unpromoted.resolve("v1").toString()).artifactVersion().getAsInt());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> MetaRouterModel.load(tmp.resolve("nowhere").toString()));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void theEstimatorSavesAndLoadsInsideAPipeline() throws Exception {
        MetaRouterEstimator e = small(new MetaRouterEstimator()).setOutcomesPath("/data/outcomes").setOptimizer("lbfgs")
                .setTrainConfig("adam.beta2 = 0.99\nmodel.cost-knots = [0.3, 0.6]").setUserCol("uid").setSeed(7);
        Path saved = tmp.resolve("pipeline");
        new Pipeline().setStages(new PipelineStage[] {e}).write().overwrite().save(saved.toString());
        MetaRouterEstimator back = (MetaRouterEstimator) Pipeline.load(saved.toString()).getStages()[0];
        assertEquals(e.uid(), back.uid());
        assertEquals(e.extractParamMap().toString(), back.extractParamMap().toString());
        assertEquals(e.trainSettings(), back.trainSettings());
        assertEquals(0.99, back.trainSettings().trainer().adam().beta2());
        assertEquals(7L, back.trainSettings().trainer().seed());
        assertEquals("lbfgs", back.trainSettings().optimizer().wireName());
        assertEquals(512, back.trainSettings().trainer().featureSpec().dim());

        // Routing-only Params set on the estimator (inherited by the model) do not concern the log it fits.
        MetaRouterEstimator routing = new MetaRouterEstimator().setContextsCol("feedback").setPredictionCol("model_choice");
        List<String> columns = List.of(routing.transformSchema(log.schema()).fieldNames());
        assertTrue(columns.contains("model_choice") && columns.contains("routed_scores") && !columns.contains("feedback"), columns.toString());

        // Defaults are conf/metarouter.conf's train section.
        MetaRouterEstimator defaults = new MetaRouterEstimator();
        assertEquals(MlDefaults.train().getInt("iterations"), defaults.getMaxIter());
        assertEquals(MlDefaults.train().getDouble("adam.learning-rate"), defaults.getStepSize());
        assertEquals(MlDefaults.root().getLong("metarouter.seed"), defaults.getSeed());
        assertTrue(defaults.explainParams().contains("usersPerIteration: users per Adam iteration"), defaults.explainParams());
    }

    @Test
    void badInputGivesClearErrors() {
        MetaRouterModel model = model(fitted);
        Dataset<Row> requests = MlTestData.frame(spark, backlog);

        IllegalArgumentException noUser = assertThrows(IllegalArgumentException.class, () -> model.transform(requests.drop("user_id")));
        assertTrue(noUser.getMessage().contains("input column 'user_id' (userCol) is missing"), noUser.getMessage());
        IllegalArgumentException intQuery = assertThrows(IllegalArgumentException.class,
                () -> model.transform(requests.withColumn("query", functions.lit(3))));
        assertTrue(intQuery.getMessage().contains("'query' (queryCol) is int, expected string"), intQuery.getMessage());
        IllegalArgumentException badContexts = assertThrows(IllegalArgumentException.class,
                () -> model.transform(requests.withColumn("contexts", functions.array(functions.lit("a")))));
        assertTrue(badContexts.getMessage().contains("'contexts' (contextsCol) is array<string>, expected array<struct>"),
                badContexts.getMessage());
        IllegalArgumentException setButMissing = assertThrows(IllegalArgumentException.class,
                () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setEventIdCol("request_id").transform(requests));
        assertTrue(setButMissing.getMessage().contains("'request_id' (eventIdCol) is missing"), setButMissing.getMessage());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> model.transform(requests.withColumn("routed_model", functions.lit("x"))));
        assertTrue(clash.getMessage().contains("output column 'routed_model' (predictionCol) already exists"), clash.getMessage());

        // A row that cannot be routed: error (default) names it, skip drops it, keep says why.
        Dataset<Row> unknown = requests.withColumn("candidates", functions.when(functions.col("event_id").equalTo("batch-3"),
                functions.array(functions.lit("no-such-model"))).otherwise(functions.col("candidates")));
        SparkException failed = assertThrows(SparkException.class, () -> model.transform(unknown).collectAsList());
        assertTrue(failed.getMessage().contains("event id 'batch-3'") && failed.getMessage().contains("unknown model in candidates: "
                + "'no-such-model'"), failed.getMessage());
        MetaRouterModel lenient = model.copy(new org.apache.spark.ml.param.ParamMap());
        assertEquals(backlog.size() - 1, lenient.setHandleInvalid("skip").transform(unknown).count());
        List<Row> kept = lenient.setHandleInvalid("keep").transform(unknown).filter(functions.col("routing_error").isNotNull())
                .select("event_id", "routed_model", "routing_error").collectAsList();
        assertEquals(1, kept.size());
        assertEquals("batch-3", kept.get(0).getString(0));
        assertNull(kept.get(0).get(1));
        assertTrue(kept.get(0).getString(2).contains("unknown model in candidates"), kept.get(0).getString(2));

        // Params are validated when set, training input when fit.
        MetaRouterEstimator e = new MetaRouterEstimator();
        assertThrows(IllegalArgumentException.class, () -> e.setOptimizer("sgd"));
        assertThrows(IllegalArgumentException.class, () -> e.setMaxIter(-1));
        assertThrows(IllegalArgumentException.class, () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setExploration("boltzmann"));
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> e.setTrainConfig("adam.learning-rate = 0.1"));
        assertTrue(taken.getMessage().contains("[adam.learning-rate], which Params set"), taken.getMessage());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> e.setTrainConfig("adam.betta2 = 0.9"));
        assertTrue(typo.getMessage().contains("[adam.betta2], which are not keys of metarouter.train"), typo.getMessage());
        IllegalArgumentException notALog = assertThrows(IllegalArgumentException.class, () -> e.fit(requests));
        assertTrue(notALog.getMessage().contains("not an interaction log") && notALog.getMessage().contains("missing column 'ts'"),
                notALog.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> e.fit(log.withColumn("quality", functions.col("quality").cast("string"))));
        assertTrue(wrongType.getMessage().contains("column 'quality' is string, expected double"), wrongType.getMessage());
        IllegalArgumentException noOutcomes = assertThrows(IllegalArgumentException.class, () -> e.fit(log));
        assertTrue(noOutcomes.getMessage().contains("outcomesPath is not set"), noOutcomes.getMessage());
        assertNotEquals("", e.getUserCol());
    }

    /** The exploration settings a model routes with. */
    static BatchRouter.Spec spec(MetaRouterModel m) {
        return new BatchRouter.Spec(null, m.getExploration(), m.getExplorationTau(), m.getExplorationEpsilon(), m.getMinPropensity(),
                m.getMaxContexts(), m.getHandleInvalid());
    }

    static void assertTensorsEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).data(), actual.get(name).data(), 0.0, name);
        }
    }
}
