package ai.metarouter.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.learn.AdamState;
import ai.metarouter.core.learn.GradientAccumulator;
import ai.metarouter.core.learn.IterationLog;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.learn.UserCap;
import ai.metarouter.core.learn.UserMetaObjective;
import ai.metarouter.core.learn.UserTask;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark outer loop against the single-machine {@link ReferenceTrainer} on the same tasks and
 * seed, on real local Spark and real Parquet. The log holds 60 simulated users plus a user with
 * 100x the median events (capped), a user with one event (too few) and a user whose route events
 * carry no reward (nothing to score).
 */
class SparkMetaTrainerTest {
    private static final double RELATIVE = 1e-9;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static Dataset<Row> logs;
    private static MetaRouterModel initial;
    private static String skewedUser;
    private static int skewedEvents;
    private static int medianEvents;

    @TempDir
    static Path tmp;

    /** Noise on, sampling on (40 of 60 admitted users), events weighting (so that weights matter). */
    private static final TrainSettings SETTINGS = TrainTestData.settings(Map.of(
            "iterations", 5,
            "users-per-iteration", 40,
            "users.weighting", "events",
            "objective.context-noise", 0.05,
            "objective.flip-probability", 0.1,
            "objective.z-noise", 0.1));

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(SparkMetaTrainerTest.class);
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path logDir = tmp.resolve("logs");
        TrainTestData.simulate(spark, logDir, 60, 6, 6, 3L);
        Dataset<Row> simulated = InteractionLogs.read(spark, logDir.toString());
        List<InteractionEvent> events = new ArrayList<>();
        for (Row r : simulated.collectAsList()) events.add(InteractionEventRows.fromRow(r));
        Map<String, List<InteractionEvent>> byUser = group(events);
        medianEvents = byUser.values().iterator().next().size();
        skewedUser = byUser.keySet().iterator().next();

        List<Row> extra = new ArrayList<>();
        List<InteractionEvent> base = byUser.get(skewedUser);
        for (int copy = 1; copy < 100; copy++) {
            for (InteractionEvent e : base) extra.add(InteractionEventRows.toRow(copyOf(e, e.userId(), e.eventId() + "-x" + copy, e.tsMillis() + copy * 1000L, e.reward())));
        }
        skewedEvents = 100 * base.size();
        InteractionEvent aPreference = events.stream().filter(e -> e.type() == EventType.PREFERENCE).findFirst().orElseThrow();
        extra.add(InteractionEventRows.toRow(copyOf(aPreference, "tiny-user", "tiny-1", aPreference.tsMillis(), null)));
        int n = 0;
        for (InteractionEvent e : events) {
            if (e.type() == EventType.ROUTE && n < 5) extra.add(InteractionEventRows.toRow(copyOf(e, "no-reward-user", "nr-" + n++, e.tsMillis(), null)));
        }
        logs = simulated.unionByName(spark.createDataFrame(extra, InteractionEventRows.schema()));
        initial = new ReferenceTrainer(SETTINGS.trainer()).initialModel(TrainTestData.DATA.outcomes(), TrainTestData.DATA.catalog());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    // ---- the reference side: the same pure functions on the driver, no Spark ----

    private record Reference(List<UserTask> tasks, Map<String, Double> weights, Map<String, UserCap.Rejection> rejected) {}

    private static Reference reference(TrainSettings settings) {
        List<InteractionEvent> events = new ArrayList<>();
        for (Row r : logs.collectAsList()) events.add(InteractionEventRows.fromRow(r));
        Map<String, List<InteractionEvent>> capped = new TreeMap<>();
        Map<String, Double> weights = new HashMap<>();
        for (Map.Entry<String, List<InteractionEvent>> e : group(events).entrySet()) {
            UserCap.Capped c = UserCap.cap(e.getKey(), e.getValue(), settings.users());
            capped.put(e.getKey(), c.events());
            weights.put(e.getKey(), c.weight());
        }
        List<UserTask> admitted = new ArrayList<>();
        Map<String, UserCap.Rejection> rejected = new HashMap<>();
        for (UserTask t : new ReferenceTrainer(settings.trainer()).tasks(initial, capped)) {
            UserCap.Rejection why = UserCap.admit(t, settings.users(), settings.trainer().objective().kMax());
            if (why == null) admitted.add(t);
            else rejected.put(t.userId(), why);
        }
        return new Reference(admitted, weights, rejected);
    }

    private static final StructType SUMMARY = new StructType()
            .add("user_id", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("events_read", DataTypes.IntegerType, false)
            .add("events_kept", DataTypes.IntegerType, false)
            .add("weight", DataTypes.DoubleType, false);

    private static Row summaryRow(String user, UserCap.Rejection rejection, int read, int kept, double weight) {
        return RowFactory.create(user, rejection == null ? "admitted" : rejection.wireName(), read, kept, weight);
    }

    /** What the split should produce per user, from the collected log and the core functions alone. */
    private static List<Row> referenceSummary(TrainSettings settings) {
        List<InteractionEvent> events = new ArrayList<>();
        for (Row r : logs.collectAsList()) events.add(InteractionEventRows.fromRow(r));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<InteractionEvent>> e : group(events).entrySet()) {
            UserCap.Capped c = UserCap.cap(e.getKey(), e.getValue(), settings.users());
            UserTask t = new ReferenceTrainer(settings.trainer()).tasks(initial, Map.of(e.getKey(), c.events())).get(0);
            rows.add(summaryRow(e.getKey(), UserCap.admit(t, settings.users(), settings.trainer().objective().kMax()),
                    c.originalEvents(), c.events().size(), c.weight()));
        }
        return rows;
    }

    private static ReferenceTrainer.Result referenceAdam(TrainSettings settings, Reference ref) {
        return new ReferenceTrainer(settings.trainer()).metaTrain(initial, ref.tasks(), ref.weights(),
                AdamState.initial(initial.metaParameters().size()), 0, settings.trainer().iterations(), null);
    }

    private static UserTasks prepare(TrainSettings settings, int partitions) {
        return UserTasks.prepare(spark, logs, initial, settings, partitions);
    }

    // ---- tests ----

    @Test
    void splittingByUserBuildsTheReferenceTasksAndCountsSkippedUsers() {
        Reference ref = reference(SETTINGS);
        UserTasks users = prepare(SETTINGS, 3);
        try {
            PreparedUserCodec codec = new PreparedUserCodec(initial.basis());
            Map<String, byte[]> encodedByUser = new HashMap<>();
            Map<String, PreparedUser> decoded = new HashMap<>();
            for (byte[] b : users.encoded().collect()) {
                PreparedUser u = codec.decode(b);
                assertTrue(encodedByUser.put(u.userId(), b) == null, "user " + u.userId() + " appears twice: its events were split");
                decoded.put(u.userId(), u);
            }
            for (UserTask t : ref.tasks()) {
                PreparedUser u = decoded.get(t.userId());
                assertNotNull(u, t.userId());
                assertTrue(u.admitted());
                PreparedUser expected = new PreparedUser(t.userId(), null, ref.weights().get(t.userId()), u.originalEvents(), u.keptEvents(),
                        u.minTsMillis(), u.maxTsMillis(), t);
                assertTrue(Arrays.equals(codec.encode(expected), encodedByUser.get(t.userId())), "task of " + t.userId() + " differs");
            }
            // Per-user outcome of the split as DataFrames: Spark's records vs the pure functions on the driver.
            List<Row> sparkRows = new ArrayList<>();
            for (PreparedUser u : decoded.values()) sparkRows.add(summaryRow(u.userId(), u.rejection(), u.originalEvents(), u.keptEvents(), u.weight()));
            new JavaDataFrameSuiteBase().assertDataFrameNoOrderEquals(
                    spark.createDataFrame(referenceSummary(SETTINGS), SUMMARY), spark.createDataFrame(sparkRows, SUMMARY));

            assertEquals(UserCap.Rejection.TOO_FEW_EVENTS, decoded.get("tiny-user").rejection());
            assertEquals(UserCap.Rejection.NOTHING_TO_SCORE, decoded.get("no-reward-user").rejection());
            assertEquals(ref.rejected().size(), users.stats().rejectedUsers());

            PreparationStats s = users.stats();
            assertEquals(62, s.users());
            assertEquals(60, s.admittedUsers());
            assertEquals(1, s.tooFewEvents());
            assertEquals(1, s.nothingToScore());
            assertEquals(logs.count(), s.eventsRead());
            assertEquals(ref.tasks().size(), s.admittedUsers());
        } finally {
            users.unpersist();
        }
    }

    @Test
    void aSkewedUserIsCappedInOnePartitionAndKeepsItsWeight() {
        UserTasks users = prepare(SETTINGS, 4);
        try {
            List<List<byte[]>> partitions = users.encoded().glom().collect();
            Set<String> seen = new HashSet<>();
            int partitionsWithSkewed = 0;
            for (List<byte[]> part : partitions) {
                for (byte[] b : part) {
                    PreparedUserCodec.Header h = PreparedUserCodec.decodeHeader(b);
                    assertTrue(seen.add(h.userId()), "user " + h.userId() + " in two records");
                    assertTrue(h.keptEvents() <= SETTINGS.users().maxEvents());
                    if (h.userId().equals(skewedUser)) {
                        partitionsWithSkewed++;
                        assertEquals(skewedEvents, h.originalEvents(), "all of the skewed user's events reach one record");
                        assertEquals(SETTINGS.users().maxEvents(), h.keptEvents());
                        assertEquals(skewedEvents, h.weight(), 0.0, "events weighting: the user weighs what it had before capping");
                    }
                }
            }
            assertEquals(1, partitionsWithSkewed);
            assertTrue(skewedEvents >= 100 * medianEvents);
            assertEquals(1, users.stats().cappedUsers());
            assertEquals(skewedEvents, users.stats().maxUserEvents());
        } finally {
            users.unpersist();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7})
    void adamOnSparkEqualsTheReferenceTrainer(int partitions) {
        ReferenceTrainer.Result expected = referenceAdam(SETTINGS, reference(SETTINGS));
        UserTasks users = prepare(SETTINGS, partitions);
        try {
            assertEquals(partitions, users.partitions());
            List<IterationRecord> records = new ArrayList<>();
            TrainState end = new SparkMetaTrainer(jsc, SETTINGS, users, initial.metaParameters().dims())
                    .adam(TrainState.start(initial.metaParameters()), records::add, s -> {});
            assertClose(expected.model().metaParameters().toArray(), end.params().toArray(), "meta-parameters, " + partitions + " partitions");
            assertClose(expected.adamState().m(), end.adam().m(), "Adam m");
            assertEquals(expected.adamState().step(), end.adam().step());
            assertEquals(expected.log().size(), records.size());
            for (int i = 0; i < records.size(); i++) {
                IterationLog a = expected.log().get(i);
                IterationLog b = records.get(i).log();
                assertEquals(a.users(), b.users());
                assertEquals(40, b.users());
                assertEquals(a.events(), b.events());
                assertEquals(a.meanLoss(), b.meanLoss(), RELATIVE * Math.abs(a.meanLoss()));
                assertEquals(a.gradNorm(), b.gradNorm(), RELATIVE * a.gradNorm());
            }
            assertFalse(Arrays.equals(initial.metaParameters().toArray(), end.params().toArray()), "training moved the parameters");
        } finally {
            users.unpersist();
        }
    }

    @Test
    void keepingTheDecodedTasksInMemoryChangesNoBit() {
        double[][] params = new double[2][];
        UserTasks.DecodedCache[] modes = {UserTasks.DecodedCache.ON, UserTasks.DecodedCache.OFF};
        for (int m = 0; m < modes.length; m++) {
            UserTasks users = UserTasks.prepare(spark, logs, initial, SETTINGS, 3, modes[m]);
            try {
                assertEquals(modes[m] == UserTasks.DecodedCache.ON, users.decodedInMemory());
                params[m] = new SparkMetaTrainer(jsc, SETTINGS, users, initial.metaParameters().dims())
                        .adam(TrainState.start(initial.metaParameters()), r -> {}, s -> {}).params().toArray();
                long cached = 0;
                for (org.apache.spark.storage.RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
                    if (info.id() == users.training().id()) cached = info.memSize();
                }
                if (users.decodedInMemory()) assertTrue(cached > 0, "the decoded users are persisted");
                else assertEquals(0, cached);
                assertEquals(60, users.training().count(), "admitted users only");
            } finally {
                users.unpersist();
            }
        }
        assertTrue(Arrays.equals(params[0], params[1]), "decoded in memory or decoded per pass: the same parameters");
        // A few thousand bytes of tasks fit in any executor's free storage memory.
        UserTasks auto = prepare(SETTINGS, 2);
        try {
            assertTrue(auto.decodedInMemory());
        } finally {
            auto.unpersist();
        }
    }

    @Test
    void bernoulliUserSamplingEqualsTheReferenceTrainer() {
        TrainSettings settings = SETTINGS.withTrainer(SETTINGS.trainer().withUserSampleRate(0.3));
        ReferenceTrainer.Result expected = referenceAdam(settings, reference(settings));
        UserTasks users = prepare(settings, 3);
        try {
            List<IterationRecord> records = new ArrayList<>();
            TrainState end = new SparkMetaTrainer(jsc, settings, users, initial.metaParameters().dims())
                    .adam(TrainState.start(initial.metaParameters()), records::add, s -> {});
            assertClose(expected.model().metaParameters().toArray(), end.params().toArray(), "meta-parameters, Bernoulli sampling");
            Set<Long> sizes = new HashSet<>();
            for (int i = 0; i < records.size(); i++) {
                assertEquals(expected.log().get(i).users(), records.get(i).log().users());
                sizes.add(records.get(i).log().users());
            }
            assertTrue(sizes.size() > 1, "Bernoulli samples vary in size: " + sizes);
        } finally {
            users.unpersist();
        }
    }

    @Test
    void lbfgsOnSparkEqualsBreezeOverTheReferenceObjective() {
        TrainSettings settings = SETTINGS.withOptimizer(TrainSettings.Optimizer.LBFGS)
                .withTrainer(SETTINGS.trainer().withIterations(4, SETTINGS.trainer().usersPerIteration()));
        Reference ref = reference(settings);
        UserMetaObjective objective = new UserMetaObjective(initial.metaParameters().dims(), initial.basis(), initial.config(),
                settings.trainer().objective());
        BreezeLbfgs.Result expected = BreezeLbfgs.minimize(x -> {
            MetaParameters p = MetaParameters.of(initial.metaParameters().dims(), x);
            GradientAccumulator acc = new GradientAccumulator(x.length);
            for (UserTask t : ref.tasks()) {
                acc.add(objective.evaluate(p, t, settings.trainer().seed(), SparkMetaTrainer.LBFGS_DRAW_ITERATION), ref.weights().get(t.userId()));
            }
            return new BreezeLbfgs.Evaluation(acc.meanLoss(), acc.meanGradient());
        }, initial.metaParameters().toArray(), 4, settings.lbfgsMemory(), settings.lbfgsTolerance(), null, null);

        UserTasks users = prepare(settings, 3);
        try {
            List<IterationRecord> records = new ArrayList<>();
            TrainState end = new SparkMetaTrainer(jsc, settings, users, initial.metaParameters().dims())
                    .train(TrainState.start(initial.metaParameters()), records::add, s -> {});
            assertEquals(4, records.size());
            assertEquals(4, end.nextIteration());
            assertClose(expected.x(), end.params().toArray(), "L-BFGS parameters");
            assertTrue(records.get(3).log().meanLoss() < records.get(0).log().meanLoss() + 1e-12, "L-BFGS does not increase the loss");
            assertEquals(60, records.get(0).log().users(), "full batch: every admitted user");
        } finally {
            users.unpersist();
        }
    }

    @Test
    void resumingFromACheckpointReachesTheUninterruptedResult() {
        TrainSettings settings = SETTINGS.withTrainer(SETTINGS.trainer().withIterations(7, 40));
        UserTasks users = prepare(settings, 2);
        try {
            SparkMetaTrainer trainer = new SparkMetaTrainer(jsc, settings, users, initial.metaParameters().dims());
            TrainState uninterrupted = trainer.adam(TrainState.start(initial.metaParameters()), r -> {}, s -> {});

            TrainCheckpoints checkpoints = new TrainCheckpoints(spark.sparkContext().hadoopConfiguration(),
                    tmp.resolve("ckpt").toUri().toString(), settings.fingerprint(Map.of("test", "resume")));
            try {
                trainer.adam(TrainState.start(initial.metaParameters()), r -> {}, s -> {
                    if (s.nextIteration() % 2 == 0) checkpoints.save(s);
                    if (s.nextIteration() == 5) throw new IllegalStateException("killed");
                });
                fail("the run was to be interrupted");
            } catch (IllegalStateException expected) {
                assertEquals("killed", expected.getMessage());
            }
            TrainState resumedFrom = checkpoints.latest().orElseThrow();
            assertEquals(4, resumedFrom.nextIteration());
            assertEquals(4, resumedFrom.log().size());
            assertTrue(new TrainCheckpoints(spark.sparkContext().hadoopConfiguration(), tmp.resolve("ckpt").toUri().toString(),
                    settings.fingerprint(Map.of("test", "other run"))).latest().isEmpty(), "another run's checkpoint is not resumed");
            TrainState resumed = trainer.adam(resumedFrom, r -> {}, s -> {});
            assertEquals(7, resumed.nextIteration());
            assertEquals(7, resumed.log().size());
            assertClose(uninterrupted.params().toArray(), resumed.params().toArray(), "resumed parameters");
            assertEquals(uninterrupted.adam().step(), resumed.adam().step());
        } finally {
            users.unpersist();
        }
    }

    // ---- helpers ----

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            double rel = scale == 0 ? 0 : Math.abs(expected[i] - actual[i]) / scale;
            if (rel > worst) {
                worst = rel;
                at = i;
            }
        }
        if (worst > RELATIVE) fail(what + ": relative difference " + worst + " at " + at + " (" + expected[at] + " vs " + actual[at] + ")");
    }

    static Map<String, List<InteractionEvent>> group(List<InteractionEvent> events) {
        Map<String, List<InteractionEvent>> byUser = new LinkedHashMap<>();
        for (InteractionEvent e : events) byUser.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e);
        return byUser;
    }

    static InteractionEvent copyOf(InteractionEvent e, String user, String eventId, long ts, Double reward) {
        return new InteractionEvent(eventId, user, ts, e.type(), e.queryId(), e.query(), e.task(), e.candidates(), e.model(),
                e.propensity(), e.quality(), e.costUsd(), reward, e.modelA(), e.qualityA(), e.costUsdA(), e.modelB(), e.qualityB(),
                e.costUsdB(), e.preferred(), e.policy(), e.artifactVersion());
    }
}
