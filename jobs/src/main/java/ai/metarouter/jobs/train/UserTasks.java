package ai.metarouter.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.learn.UserCap;
import ai.metarouter.core.learn.UserTask;
import ai.metarouter.core.learn.UserTaskBuilder;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.jobs.io.InteractionEventRows;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Split by user: the interaction log becomes one persisted {@link PreparedUserCodec} record per
 * user, built once and reused by every outer iteration.
 * <ol>
 *   <li>{@code repartition(partitions, user_id)}: all of a user's events land in one partition;</li>
 *   <li>{@code sortWithinPartitions(xxhash64(user_id), user_id, ts, event_id)}: each user's events
 *       are contiguous and in time order, so one streaming pass groups them ({@link PrepareUsers})
 *       holding one user at a time. The hash comes first because Spark's sorter compares a 64-bit
 *       prefix of the first key before anything else: user ids that share their first 8 bytes
 *       (u000001, u000002, ...) made every comparison a full string comparison;</li>
 *   <li>per user: {@link UserCap.Reservoir} keeps at most {@code max-events} events by a
 *       reproducible hash sample (memory O(cap) even for a user with 100x the median events),
 *       {@link UserTaskBuilder} builds the task with the frozen outcome predictor (remembering the
 *       predictions of the last {@value #PREDICTION_CACHE} distinct queries of the partition),
 *       {@link UserCap#admit} decides whether it has enough data;</li>
 *   <li>the encoded users are persisted and counted ({@link PreparationStats}, one treeAggregate).
 *       Each record already is the task serialised by {@link PreparedUserCodec} (about 3.6 KB for a
 *       user with 30 events), so the storage level is {@code MEMORY_AND_DISK}: Spark keeps the
 *       byte arrays as they are and serialises only what spills to disk. {@code MEMORY_AND_DISK_SER}
 *       would store the same bytes but run them through Kryo on every read, once per user and
 *       iteration (measured: a third of the outer loop's time on 100k users).</li>
 * </ol>
 * Rejected users stay in the RDD as header-only records so that the counts are exact; the outer
 * loop skips them by one byte.
 *
 * <p>The outer loop reads {@link #training()}: the admitted users as {@link TrainingUser}s. When
 * their decoded form fits in the executors' free storage memory ({@link DecodedCache#AUTO}) it is
 * persisted {@code MEMORY_ONLY}, so that every iteration after the first evaluates the objective
 * straight on in-memory tasks: decoding a user (rebuilding each route event's basis values) cost
 * about a fifth of the Newton-MAP outer loop's time on 100k users. A decoded partition Spark drops
 * is rebuilt from the persisted bytes, never from the log. When the decoded users would not fit,
 * each pass decodes its sampled users again, as before.
 */
public final class UserTasks {
    /** Distinct (query, candidates) whose predictions a partition's task builder remembers. */
    static final int PREDICTION_CACHE = 8192;

    private final JavaRDD<byte[]> users;
    private final PreparationStats stats;
    /** The frozen model the tasks were built with; kept until {@link #unpersist}: lost blocks are rebuilt from it. */
    private final Broadcast<ModelSnapshot> model;
    private final JavaRDD<TrainingUser> training;
    private final boolean decodedInMemory;
    private JavaRDD<String> admittedIds;

    /** Whether the outer loop keeps the decoded users in memory between iterations. */
    public enum DecodedCache {
        /** When the decoded users' estimated size is at most {@value #AUTO_SHARE} of the executors' free storage memory. */
        AUTO,
        /** Always (MEMORY_ONLY: partitions that do not fit are decoded again on each pass). */
        ON,
        /** Never: each pass decodes its sampled users. */
        OFF;

        /** The share of free storage memory the decoded users may take under {@link #AUTO}. */
        public static final double AUTO_SHARE = 0.5;
    }

    private UserTasks(JavaRDD<byte[]> users, PreparationStats stats, Broadcast<ModelSnapshot> model, Map<String, Object> settings,
                      boolean decodedInMemory) {
        this.users = users;
        this.stats = stats;
        this.model = model;
        this.decodedInMemory = decodedInMemory;
        this.training = users.mapPartitions(new AdmittedUsers(settings, decodedInMemory), true);
        if (decodedInMemory) training.persist(StorageLevel.MEMORY_ONLY());
    }

    /** The persisted encoded users (admitted and rejected), one record per user. */
    public JavaRDD<byte[]> encoded() {
        return users;
    }

    /**
     * The admitted users, one {@link TrainingUser} per user, partitioned as {@link #encoded()};
     * decoded and persisted in memory when {@link #decodedInMemory()}.
     */
    public JavaRDD<TrainingUser> training() {
        return training;
    }

    /** Whether {@link #training()} keeps the decoded users in memory between passes. */
    public boolean decodedInMemory() {
        return decodedInMemory;
    }

    public PreparationStats stats() {
        return stats;
    }

    public int partitions() {
        return users.getNumPartitions();
    }

    /** Bytes of the persisted users in executor memory and on executor disk (Spark's storage status). */
    public long[] persistedBytes() {
        return persistedBytes(users);
    }

    private static long[] persistedBytes(JavaRDD<?> rdd) {
        for (org.apache.spark.storage.RDDInfo info : rdd.context().getRDDStorageInfo()) {
            if (info.id() == rdd.id()) return new long[] {info.memSize(), info.diskSize()};
        }
        return new long[] {0, 0};
    }

    /**
     * The admitted users' ids, persisted deserialised on first use: per-iteration user sampling
     * scans these (tens of bytes per user) instead of the encoded tasks.
     */
    public synchronized JavaRDD<String> admittedIds() {
        if (admittedIds == null) {
            admittedIds = users.filter(PreparedUserCodec::admitted).map(PreparedUserCodec::userId);
            admittedIds.persist(StorageLevel.MEMORY_AND_DISK());
        }
        return admittedIds;
    }

    /** Releases the persisted users (and ids) and the model broadcast. */
    public synchronized void unpersist() {
        if (admittedIds != null) admittedIds.unpersist(false);
        if (decodedInMemory) training.unpersist(false);
        users.unpersist(false);
        if (model != null) model.destroy();
    }

    /**
     * Splits {@code logs} (interaction-log rows) by user into {@code partitions} partitions and
     * persists the prepared users; {@code model} is the frozen model whose predictor, featuriser,
     * cost scale and basis build the tasks.
     */
    public static UserTasks prepare(SparkSession spark, Dataset<Row> logs, MetaRouterModel model, TrainSettings settings,
                                    int partitions) {
        return prepare(spark, logs, model, settings, partitions, DecodedCache.AUTO);
    }

    /** As above, with an explicit choice of keeping the decoded users in memory (tests, benchmarks). */
    public static UserTasks prepare(SparkSession spark, Dataset<Row> logs, MetaRouterModel model, TrainSettings settings,
                                    int partitions, DecodedCache decodedCache) {
        Broadcast<ModelSnapshot> snapshot = spark.sparkContext().broadcast(ModelSnapshot.of(model),
                scala.reflect.ClassTag$.MODULE$.apply(ModelSnapshot.class));
        Map<String, Object> settingsMap = settings.toMap();
        JavaRDD<byte[]> users = logs
                .filter(col("user_id").isNotNull())
                .repartition(partitions, col("user_id"))
                .sortWithinPartitions(xxhash64(col("user_id")), col("user_id"), col("ts"), col("event_id"))
                .javaRDD()
                .mapPartitions(new PrepareUsers(snapshot, settingsMap));
        users.persist(StorageLevel.MEMORY_AND_DISK());
        PreparationStats stats = users
                .mapPartitions(new CountUsers(settingsMap))
                .treeAggregate(new PreparationStats(), PreparationStats::merge, PreparationStats::merge, settings.treeDepth());
        boolean decoded = switch (decodedCache) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> fitsInMemory(spark, users, model, stats, settings);
        };
        return new UserTasks(users, stats, snapshot, settingsMap, decoded);
    }

    /**
     * Whether the decoded admitted users are expected to take at most {@link DecodedCache#AUTO_SHARE}
     * of the executors' free storage memory: their size is estimated as the persisted records' size
     * times the decoded-to-encoded ratio of a sample of users (Spark's {@code SizeEstimator}).
     */
    static boolean fitsInMemory(SparkSession spark, JavaRDD<byte[]> users, MetaRouterModel model, PreparationStats stats,
                                TrainSettings settings) {
        if (stats.admittedUsers() == 0) return false;
        PreparedUserCodec codec = new PreparedUserCodec(model.basis());
        long sampleEncoded = 0;
        long sampleDecoded = 0;
        for (byte[] b : users.filter(PreparedUserCodec::admitted).take(64)) {
            TrainingUser u = new TrainingUser(b);
            u.user(codec);
            sampleEncoded += b.length;
            sampleDecoded += org.apache.spark.util.SizeEstimator.estimate(u);
        }
        if (sampleEncoded == 0) return false;
        long[] persisted = persistedBytes(users);
        double estimate = (double) (persisted[0] + persisted[1]) * sampleDecoded / sampleEncoded;
        return estimate <= DecodedCache.AUTO_SHARE * freeStorageMemory(spark);
    }

    /** Free on-heap storage memory of the executors (of the driver in local mode, where it is the executor). */
    static long freeStorageMemory(SparkSession spark) {
        org.apache.spark.storage.BlockManagerId driver = org.apache.spark.SparkEnv.get().blockManager().blockManagerId();
        boolean local = spark.sparkContext().isLocal();
        long free = 0;
        for (org.apache.spark.SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
            boolean isDriver = e.host().equals(driver.host()) && e.port() == driver.port();
            if (isDriver && !local) continue;
            free += Math.max(0, e.totalOnHeapStorageMemory() - e.usedOnHeapStorageMemory());
        }
        return free;
    }

    /** The streaming group-by-user of one sorted partition. */
    static final class PrepareUsers implements FlatMapFunction<Iterator<Row>, byte[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ModelSnapshot> snapshot;
        private final Map<String, Object> settings;

        PrepareUsers(Broadcast<ModelSnapshot> snapshot, Map<String, Object> settings) {
            this.snapshot = snapshot;
            this.settings = settings;
        }

        @Override
        public Iterator<byte[]> call(Iterator<Row> rows) {
            TrainSettings s = TrainSettings.fromMap(settings);
            MetaRouterModel model = snapshot.value().model();
            return new Grouping(rows, UserTaskBuilder.forModel(model).withPredictionCache(PREDICTION_CACHE),
                    new PreparedUserCodec(model.basis()), s.users(), s.trainer().objective().kMax());
        }
    }

    /**
     * Pulls one user's contiguous rows at a time and emits that user's encoded record. Rows that
     * do not convert to an event (unknown event type, missing time) count as skipped events of
     * their user.
     */
    static final class Grouping implements Iterator<byte[]> {
        private final Iterator<Row> rows;
        private final UserTaskBuilder builder;
        private final PreparedUserCodec codec;
        private final UserCap.Config cap;
        private final int kMax;
        private Row pending;
        private int userColumn = -1;
        private InteractionEventRows.Reader reader;

        Grouping(Iterator<Row> rows, UserTaskBuilder builder, PreparedUserCodec codec, UserCap.Config cap, int kMax) {
            this.rows = rows;
            this.builder = builder;
            this.codec = codec;
            this.cap = cap;
            this.kMax = kMax;
            this.pending = rows.hasNext() ? rows.next() : null;
        }

        @Override
        public boolean hasNext() {
            return pending != null;
        }

        @Override
        public byte[] next() {
            if (pending == null) throw new NoSuchElementException();
            if (userColumn < 0) {
                userColumn = pending.fieldIndex("user_id");
                reader = new InteractionEventRows.Reader(pending.schema());
            }
            String userId = pending.getString(userColumn);
            UserCap.Reservoir reservoir = new UserCap.Reservoir(userId, cap);
            int unreadable = 0;
            long minTs = Long.MAX_VALUE;
            long maxTs = Long.MIN_VALUE;
            while (pending != null && userId.equals(pending.getString(userColumn))) {
                InteractionEvent e;
                try {
                    e = reader.read(pending);
                } catch (IllegalArgumentException bad) {
                    e = null;
                }
                if (e == null) {
                    unreadable++;
                } else {
                    reservoir.offer(e);
                    minTs = Math.min(minTs, e.tsMillis());
                    maxTs = Math.max(maxTs, e.tsMillis());
                }
                pending = rows.hasNext() ? rows.next() : null;
            }
            UserCap.Capped capped = reservoir.finish();
            UserTask built = builder.build(userId, capped.events());
            UserTask task = unreadable == 0 ? built
                    : new UserTask(userId, built.basisDim(), built.events(), built.skippedEvents() + unreadable);
            UserCap.Rejection rejection = UserCap.admit(task, cap, kMax);
            if (minTs > maxTs) minTs = maxTs = 0;
            // Unreadable rows are never dropped by the cap: they count as read, kept and skipped.
            return codec.encode(new PreparedUser(userId, rejection, capped.weight(), capped.originalEvents() + unreadable,
                    capped.events().size() + unreadable, minTs, maxTs, rejection == null ? task : null));
        }
    }

    /** The admitted users of a partition; decoded right away when they are to be kept in memory. */
    static final class AdmittedUsers implements FlatMapFunction<Iterator<byte[]>, TrainingUser> {
        private static final long serialVersionUID = 1L;
        private final Map<String, Object> settings;
        private final boolean decode;

        AdmittedUsers(Map<String, Object> settings, boolean decode) {
            this.settings = settings;
            this.decode = decode;
        }

        @Override
        public Iterator<TrainingUser> call(Iterator<byte[]> users) {
            PreparedUserCodec codec = decode ? new PreparedUserCodec(TrainSettings.fromMap(settings).trainer().basis()) : null;
            return new Iterator<>() {
                private TrainingUser next = advance();

                private TrainingUser advance() {
                    while (users.hasNext()) {
                        byte[] b = users.next();
                        if (!PreparedUserCodec.admitted(b)) continue;
                        TrainingUser u = new TrainingUser(b);
                        if (codec != null) u.user(codec);
                        return u;
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public TrainingUser next() {
                    if (next == null) throw new NoSuchElementException();
                    TrainingUser u = next;
                    next = advance();
                    return u;
                }
            };
        }
    }

    /** One {@link PreparationStats} per partition. */
    static final class CountUsers implements FlatMapFunction<Iterator<byte[]>, PreparationStats> {
        private static final long serialVersionUID = 1L;
        private final Map<String, Object> settings;

        CountUsers(Map<String, Object> settings) {
            this.settings = settings;
        }

        @Override
        public Iterator<PreparationStats> call(Iterator<byte[]> users) {
            PreparedUserCodec codec = new PreparedUserCodec(TrainSettings.fromMap(settings).trainer().basis());
            PreparationStats stats = new PreparationStats();
            while (users.hasNext()) stats.add(codec.decode(users.next()));
            return Collections.singletonList(stats).iterator();
        }
    }
}
