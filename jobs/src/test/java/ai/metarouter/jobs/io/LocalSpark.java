package ai.metarouter.jobs.io;

import org.apache.spark.sql.SparkSession;

/**
 * The test SparkSession: local[2], no UI, few shuffle partitions, and the serializer and time zone
 * of conf/metarouter.conf (Kryo, UTC), so that tests see what jobs see. One per test class.
 */
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
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .getOrCreate();
    }
}
