package ai.metarouter.jobs.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session for a command. Without a master the job runs on an embedded
 * {@code local[*]}; with one (or when launched by spark-submit, which sets {@code spark.master}) it
 * runs there. Spark properties come from {@code metarouter.spark} in the configuration, then from
 * {@code --conf k=v} flags, which win.
 */
public final class SparkSessions {
    private SparkSessions() {}

    public static SparkSession create(String appName, Optional<String> master, List<String> sparkConf, Config config) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (config.hasPath("metarouter.spark")) {
            for (Map.Entry<String, ConfigValue> e : config.getConfig("metarouter.spark").entrySet()) {
                conf.set(unquote(e.getKey()), String.valueOf(e.getValue().unwrapped()));
            }
        }
        for (String kv : sparkConf) {
            int eq = kv.indexOf('=');
            conf.set(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        if (master.isPresent()) {
            conf.setMaster(master.get());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private static String unquote(String key) {
        return key.replace("\"", "");
    }
}
