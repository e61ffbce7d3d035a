package ai.metarouter.jobs.io;

import org.apache.spark.sql.SparkSession;

/** The test SparkSession: local[2], no UI, few shuffle partitions, UTC. One per test class. */
public final class LocalSpark {
    private LocalSpark() {}

    public static SparkSession start(Class<?> testClass) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(testClass.getSimpleName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
    }
}
