package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.AdamState;
import ai.metarouter.core.learn.ReferenceTrainer;
import ai.metarouter.core.learn.UserTask;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.spark.SparkSessions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageExecutorMetrics;
import org.apache.spark.sql.SparkSession;

/**
 * The scale benchmark behind {@code scripts/bench-train} (not a unit test). Two modes, each run in
 * a fresh JVM by the script so that peak-memory figures belong to one measurement:
 * <ul>
 *   <li>{@code scale --logs L --outcomes O --work W --iterations I [--master M]}: the whole train
 *       job ({@link TrainJob}, publish included) over every user, full batch: wall time, events/s,
 *       driver peak heap and RSS, and every executor's peak JVM heap and RSS (Spark's executor
 *       metrics; under {@code local-cluster} the executors are separate JVMs);</li>
 *   <li>{@code compare --logs L --outcomes O --iterations I [--master local[2]] [--partitions P]
 *       [--decoded-cache auto|on|off]}: the same persisted tasks trained by {@link SparkMetaTrainer}
 *       and by the single-threaded {@link ReferenceTrainer}, after a JIT warm-up, one iteration of
 *       each in turn (so that other jobs' load weighs on both alike), each timed in wall and process
 *       CPU seconds, with Spark's task metrics; parameters compared.</li>
 * </ul>
 * Figures go to stdout and, as one JSON line per run, to {@code <work>/bench-results.jsonl}.
 */
public final class TrainBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: TrainBenchmark scale|compare --logs L --outcomes O --work W ...");
        Map<String, String> flags = new HashMap<>();
        List<String> sparkConf = new ArrayList<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + args[i]);
            if (args[i].equals("--conf")) sparkConf.add(args[i + 1]);
            else flags.put(args[i].substring(2), args[i + 1]);
        }
        Config config = ConfigFactory.parseResources("metarouter-conf/metarouter.conf").resolve();
        if (flags.containsKey("train-conf")) config = ConfigFactory.parseFile(new java.io.File(flags.get("train-conf"))).withFallback(config).resolve();
        int iterations = Integer.parseInt(flags.getOrDefault("iterations", "10"));
        HeapSampler.INSTANCE.sample();
        SparkSession spark = SparkSessions.create("metarouter bench-train " + args[0], Optional.ofNullable(flags.get("master")), sparkConf, config);
        ExecutorPeaks peaks = new ExecutorPeaks();
        spark.sparkContext().addSparkListener(peaks);
        try {
            Map<String, Object> result = switch (args[0]) {
                case "scale" -> scale(spark, config, flags, iterations, peaks);
                case "compare" -> compare(spark, config, flags, iterations);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            };
            result.put("master", spark.sparkContext().master());
            result.put("load_average_1m_at_end", loadAverage());
            result.put("logs", flags.get("logs"));
            print(result);
            if (flags.containsKey("work")) {
                Files.writeString(Path.of(flags.get("work"), "bench-results.jsonl"), JSON.writeValueAsString(result) + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } finally {
            spark.stop();
        }
    }

    private static final long STARTED = System.nanoTime();

    private static void log(String line) {
        System.err.printf(Locale.ROOT, "[bench %7.1fs] %s%n", (System.nanoTime() - STARTED) / 1e9, line);
    }

    private static TrainSettings settings(Config config, int iterations) {
        return TrainSettings.fromRoot(config, Map.of("iterations", iterations, "users-per-iteration", 0, "checkpoint-every", 0));
    }

    /** The whole job over every user. */
    private static Map<String, Object> scale(SparkSession spark, Config config, Map<String, String> flags, int iterations,
                                             ExecutorPeaks peaks) throws IOException {
        TrainSettings settings = settings(config, iterations);
        Path registry = Path.of(flags.get("work"), "registry-bench");
        long t0 = System.nanoTime();
        TrainJob.Result r = TrainJob.run(spark, settings, new TrainJob.Request(flags.get("logs"), flags.get("outcomes"),
                registry.toString(), null, null, false, null), line -> log(line));
        double wall = (System.nanoTime() - t0) / 1e9;
        PreparationStats s = r.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", "scale");
        out.put("users", s.admittedUsers());
        out.put("events_read", s.eventsRead());
        out.put("events_trained", s.admittedEvents());
        out.put("iterations", r.log().size());
        out.put("partitions", r.partitions());
        out.put("persisted_tasks_memory_mb", r.persistedBytes()[0] >> 20);
        out.put("persisted_tasks_disk_mb", r.persistedBytes()[1] >> 20);
        out.put("wall_seconds", wall);
        out.put("prepare_seconds", r.prepareSeconds());
        out.put("train_seconds", r.trainSeconds());
        out.put("seconds_per_iteration", r.trainSeconds() / Math.max(1, r.log().size()));
        out.put("events_per_second_overall", s.eventsRead() / wall);
        out.put("events_per_second_training", (double) s.admittedEvents() * r.log().size() / r.trainSeconds());
        out.put("user_objectives_per_second", (double) s.admittedUsers() * r.log().size() / r.trainSeconds());
        out.put("final_loss", r.log().get(r.log().size() - 1).log().meanLoss());
        out.put("version", r.version());
        out.putAll(driverMemory());
        out.put("executors", peaks.snapshot());
        return out;
    }

    /** Spark vs the single-threaded reference trainer on the same persisted tasks. */
    private static Map<String, Object> compare(SparkSession spark, Config config, Map<String, String> flags, int iterations) {
        TrainSettings settings = settings(config, iterations);
        log("fitting the outcome predictor");
        MetaRouterModel initial = new ReferenceTrainer(settings.trainer()).initialModel(
                OutcomeDatasets.readTable(spark, flags.get("outcomes")), OutcomeDatasets.readCatalog(spark, flags.get("outcomes")));
        var logs = InteractionLogs.read(spark, flags.get("logs"));
        int partitions = flags.containsKey("partitions") ? Integer.parseInt(flags.get("partitions"))
                : TrainJob.defaultPartitions(spark, logs);
        log("splitting by user into " + partitions + " partitions");
        UserTasks.DecodedCache decodedCache = UserTasks.DecodedCache.valueOf(flags.getOrDefault("decoded-cache", "auto").toUpperCase(Locale.ROOT));
        UserTasks users = UserTasks.prepare(spark, logs, initial, settings, partitions, decodedCache);
        log(String.format(Locale.ROOT, "%,d users, %,d events; decoded users in memory: %s (%s)", users.stats().admittedUsers(),
                users.stats().admittedEvents(), users.decodedInMemory(), decodedCache));

        PreparedUserCodec codec = new PreparedUserCodec(initial.basis());
        List<UserTask> tasks = new ArrayList<>();
        Map<String, Double> weights = new HashMap<>();
        for (byte[] b : users.encoded().filter(PreparedUserCodec::admitted).collect()) {
            PreparedUser u = codec.decode(b);
            tasks.add(u.task());
            weights.put(u.userId(), u.weight());
        }
        ReferenceTrainer reference = new ReferenceTrainer(settings.trainer());
        TrainSettings warmUp = settings.withTrainer(settings.trainer().withIterations(2, settings.trainer().usersPerIteration()));
        SparkMetaTrainer trainer = new SparkMetaTrainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), warmUp, users,
                initial.metaParameters().dims());

        // JIT warm-up of the per-user code (the executors are threads of this JVM in local mode); the
        // first Spark pass also fills the decoded-task cache, as the train job's first iteration does.
        log("warm-up");
        reference.metaTrain(initial, tasks.subList(0, Math.min(tasks.size(), 5000)), weights, AdamState.initial(initial.metaParameters().size()),
                0, 1, null);
        trainer.adam(TrainState.start(initial.metaParameters()), r -> {}, s -> {}).params();

        // Interleaved, Spark iteration i then reference iteration i: the machine is shared, and
        // whatever load other jobs put on it then weighs on both loops alike.
        log("outer loops, interleaved by iteration");
        String loadBefore = loadAverage();
        TaskTimes taskTimes = new TaskTimes();
        spark.sparkContext().addSparkListener(taskTimes);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainState sparkEnd = TrainState.start(initial.metaParameters());
        MetaRouterModel referenceModel = initial;
        AdamState referenceAdam = AdamState.initial(initial.metaParameters().size());
        long sparkNanos = 0;
        long sparkCpuNanos = 0;
        long referenceNanos = 0;
        long referenceCpuNanos = 0;
        double ceilingSum = 0;
        for (int it = 0; it < iterations; it++) {
            ceilingSum += twoThreadCeiling(500_000_000L);
            TrainSettings upTo = settings.withTrainer(settings.trainer().withIterations(it + 1, settings.trainer().usersPerIteration()));
            SparkMetaTrainer step = new SparkMetaTrainer(jsc, upTo, users, initial.metaParameters().dims());
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            sparkEnd = step.adam(sparkEnd, r -> log("spark " + r.progressLine()), s -> {});
            sparkNanos += System.nanoTime() - t0;
            sparkCpuNanos += processCpuNanos() - cpu0;

            long cpu1 = processCpuNanos();
            long t1 = System.nanoTime();
            ReferenceTrainer.Result ref = reference.metaTrain(referenceModel, tasks, weights, referenceAdam, it, 1,
                    line -> log(String.format(Locale.ROOT, "reference iteration %d: loss %.6f", line.iteration(), line.meanLoss())));
            referenceNanos += System.nanoTime() - t1;
            referenceCpuNanos += processCpuNanos() - cpu1;
            referenceModel = ref.model();
            referenceAdam = ref.adamState();
        }
        double sparkSeconds = sparkNanos / 1e9;
        double sparkCpuSeconds = sparkCpuNanos / 1e9;
        double referenceSeconds = referenceNanos / 1e9;
        double referenceCpuSeconds = referenceCpuNanos / 1e9;
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            log("listener bus did not drain: task times may miss the last tasks");
        }
        spark.sparkContext().removeSparkListener(taskTimes);

        double[] a = sparkEnd.params().toArray();
        double[] b = referenceModel.metaParameters().toArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
            if (scale > 0) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", "compare");
        out.put("users", users.stats().admittedUsers());
        out.put("events_trained", users.stats().admittedEvents());
        out.put("iterations", iterations);
        out.put("partitions", users.partitions());
        out.put("decoded_users_in_memory", users.decodedInMemory());
        out.put("spark_seconds", sparkSeconds);
        out.put("reference_seconds", referenceSeconds);
        out.put("speedup", referenceSeconds / sparkSeconds);
        out.put("cores", spark.sparkContext().defaultParallelism());
        out.put("spark_process_cpu_seconds", sparkCpuSeconds);
        out.put("reference_process_cpu_seconds", referenceCpuSeconds);
        out.putAll(taskTimes.summary(sparkSeconds, spark.sparkContext().defaultParallelism()));
        out.put("load_average_1m_before_loops", loadBefore);
        out.put("two_thread_ceiling", ceilingSum / iterations);
        out.put("max_relative_parameter_difference", worst);
        out.putAll(driverMemory());
        users.unpersist();
        return out;
    }

    /**
     * This JVM's memory: the largest heap in use seen by {@link HeapSampler} (every 100 ms), the
     * largest old-generation occupancy right after a collection (live data the driver retains),
     * heap in use after a final full GC, and peak RSS.
     */
    private static Map<String, Object> driverMemory() {
        System.gc();
        long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("driver_peak_heap_used_mb", HeapSampler.INSTANCE.peakUsed() >> 20);
        m.put("driver_peak_live_heap_mb", HeapSampler.INSTANCE.peakLive() >> 20);
        m.put("driver_heap_after_final_gc_mb", afterGc >> 20);
        m.put("driver_peak_rss_mb", peakRss() >> 20);
        m.put("driver_max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        return m;
    }

    /** Samples heap use; "live" is the old generation's occupancy after its latest collection. */
    static final class HeapSampler implements Runnable {
        static final HeapSampler INSTANCE = start();
        private volatile long peakUsed;
        private volatile long peakLive;

        private static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            Thread t = new Thread(s, "bench-heap-sampler");
            t.setDaemon(true);
            t.start();
            return s;
        }

        @Override
        public void run() {
            while (true) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized void sample() {
            peakUsed = Math.max(peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null && isOld(pool.getName())) {
                    peakLive = Math.max(peakLive, pool.getCollectionUsage().getUsed());
                }
            }
        }

        private static boolean isOld(String name) {
            return name.contains("Old") || name.contains("Tenured");
        }

        long peakUsed() {
            sample();
            return peakUsed;
        }

        long peakLive() {
            sample();
            return peakLive;
        }
    }

    /**
     * What two busy threads get done over what one gets done in the same time on this machine right
     * now (a pure arithmetic loop, one thread for {@code nanos}, then two): the most local[2] can gain
     * over a single thread at the moment. 2 on two idle cores; about 1 when other jobs (or the
     * machine's CPU limit) leave this process one core's worth, whatever its thread count.
     */
    static double twoThreadCeiling(long nanos) {
        long one = spin(nanos);
        long[] two = new long[2];
        Thread a = new Thread(() -> two[0] = spin(nanos), "bench-ceiling-a");
        Thread b = new Thread(() -> two[1] = spin(nanos), "bench-ceiling-b");
        a.start();
        b.start();
        try {
            a.join();
            b.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        return (double) (two[0] + two[1]) / Math.max(1, one);
    }

    private static volatile double spinSink;

    /** Rounds of a dependent multiply-add chain done in {@code nanos} of wall time. */
    private static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long rounds = 0;
        double x = 1.0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) x = x * 1.0000001 + 1e-9;
            rounds++;
        }
        spinSink = x;
        return rounds;
    }

    /** CPU time of this whole JVM (every thread, GC and JIT included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Where the Spark tasks' time went (Spark's task metrics, summed over every task of the timed
     * loop): running, on CPU, deserialising the task, in GC, serialising the result; and how busy
     * the cores were (task run time / (cores x wall time)).
     */
    static final class TaskTimes extends SparkListener {
        private final java.util.concurrent.atomic.LongAdder tasks = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder stages = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder runMillis = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder cpuNanos = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder deserializeMillis = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder gcMillis = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder resultSerializationMillis = new java.util.concurrent.atomic.LongAdder();

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
            org.apache.spark.executor.TaskMetrics m = e.taskMetrics();
            tasks.increment();
            if (m == null) return;
            runMillis.add(m.executorRunTime());
            cpuNanos.add(m.executorCpuTime() + m.executorDeserializeCpuTime());
            deserializeMillis.add(m.executorDeserializeTime());
            gcMillis.add(m.jvmGCTime());
            resultSerializationMillis.add(m.resultSerializationTime());
        }

        @Override
        public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
            stages.increment();
        }

        Map<String, Object> summary(double wallSeconds, int cores) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spark_stages", stages.sum());
            m.put("spark_tasks", tasks.sum());
            m.put("spark_task_run_seconds", runMillis.sum() / 1e3);
            m.put("spark_task_cpu_seconds", cpuNanos.sum() / 1e9);
            m.put("spark_task_deserialize_seconds", deserializeMillis.sum() / 1e3);
            m.put("spark_task_gc_seconds", gcMillis.sum() / 1e3);
            m.put("spark_task_result_serialization_seconds", resultSerializationMillis.sum() / 1e3);
            m.put("spark_core_busy_share", runMillis.sum() / 1e3 / (cores * wallSeconds));
            return m;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void print(Map<String, Object> out) {
        System.out.println("---- bench-train " + out.get("mode") + " ----");
        out.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-36s %s%n", k, v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v));
        System.out.flush();
    }

    /**
     * Peak JVM heap and process-tree RSS per executor from Spark's executor metrics (heartbeats
     * and per-stage peaks). In local mode the only "executor" is the driver JVM itself.
     */
    static final class ExecutorPeaks extends SparkListener {
        private final Map<String, long[]> peaks = new ConcurrentHashMap<>();

        @Override
        public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
            scala.collection.Iterator<ExecutorMetrics> it = e.executorUpdates().valuesIterator();
            while (it.hasNext()) record(e.execId(), it.next());
        }

        @Override
        public void onStageExecutorMetrics(SparkListenerStageExecutorMetrics e) {
            record(e.execId(), e.executorMetrics());
        }

        private void record(String executor, ExecutorMetrics m) {
            long heap = m.getMetricValue("JVMHeapMemory");
            long rss = m.getMetricValue("ProcessTreeJVMRSSMemory");
            peaks.merge(executor, new long[] {heap, rss}, (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
        }

        Map<String, Object> snapshot() {
            Map<String, Object> out = new TreeMap<>();
            peaks.forEach((id, p) -> out.put(id, Map.of("peak_heap_mb", p[0] >> 20, "peak_rss_mb", p[1] >> 20)));
            return out;
        }
    }
}
