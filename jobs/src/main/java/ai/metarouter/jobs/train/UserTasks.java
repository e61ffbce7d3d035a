package ai.metarouter.jobs.train;

import static org.apache.spark.sql.functions.col;

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
 *   <li>{@code sortWithinPartitions(user_id, ts, event_id)}: each user's events are contiguous and
 *       in time order, so one streaming pass groups them ({@link PrepareUsers}) holding one user
 *       at a time;</li>
 *   <li>per user: {@link UserCap.Reservoir} keeps at most {@code max-events} events by a
 *       reproducible hash sample (memory O(cap) even for a user with 100x the median events),
 *       {@link UserTaskBuilder} builds the task with the frozen outcome predictor,
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
 */
public final class UserTasks {
    private final JavaRDD<byte[]> users;
    private final PreparationStats stats;
    /** The frozen model the tasks were built with; kept until {@link #unpersist}: lost blocks are rebuilt from it. */
    private final Broadcast<ModelSnapshot> model;
    private JavaRDD<String> admittedIds;

    private UserTasks(JavaRDD<byte[]> users, PreparationStats stats, Broadcast<ModelSnapshot> model) {
        this.users = users;
        this.stats = stats;
        this.model = model;
    }

    /** The persisted encoded users (admitted and rejected), one record per user. */
    public JavaRDD<byte[]> encoded() {
        return users;
    }

    public PreparationStats stats() {
        return stats;
    }

    public int partitions() {
        return users.getNumPartitions();
    }

    /** Bytes of the persisted users in executor memory and on executor disk (Spark's storage status). */
    public long[] persistedBytes() {
        for (org.apache.spark.storage.RDDInfo info : users.context().getRDDStorageInfo()) {
            if (info.id() == users.id()) return new long[] {info.memSize(), info.diskSize()};
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
        Broadcast<ModelSnapshot> snapshot = spark.sparkContext().broadcast(ModelSnapshot.of(model),
                scala.reflect.ClassTag$.MODULE$.apply(ModelSnapshot.class));
        Map<String, Object> settingsMap = settings.toMap();
        JavaRDD<byte[]> users = logs
                .filter(col("user_id").isNotNull())
                .repartition(partitions, col("user_id"))
                .sortWithinPartitions(col("user_id"), col("ts"), col("event_id"))
                .javaRDD()
                .mapPartitions(new PrepareUsers(snapshot, settingsMap));
        users.persist(StorageLevel.MEMORY_AND_DISK());
        PreparationStats stats = users
                .mapPartitions(new CountUsers(settingsMap))
                .treeAggregate(new PreparationStats(), PreparationStats::merge, PreparationStats::merge, settings.treeDepth());
        return new UserTasks(users, stats, snapshot);
    }

    /** Wraps already prepared users (tests, benchmarks). */
    public static UserTasks of(JavaRDD<byte[]> users, PreparationStats stats) {
        return new UserTasks(users, stats, null);
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
            return new Grouping(rows, UserTaskBuilder.forModel(model), new PreparedUserCodec(model.basis()), s.users(),
                    s.trainer().objective().kMax());
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
            if (userColumn < 0) userColumn = pending.fieldIndex("user_id");
            String userId = pending.getString(userColumn);
            UserCap.Reservoir reservoir = new UserCap.Reservoir(userId, cap);
            int unreadable = 0;
            long minTs = Long.MAX_VALUE;
            long maxTs = Long.MIN_VALUE;
            while (pending != null && userId.equals(pending.getString(userColumn))) {
                InteractionEvent e;
                try {
                    e = InteractionEventRows.fromRow(pending);
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
