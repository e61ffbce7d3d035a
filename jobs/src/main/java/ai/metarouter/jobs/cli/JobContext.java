package ai.metarouter.jobs.cli;

import ai.metarouter.jobs.spark.SparkSessions;
import com.typesafe.config.Config;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * What a command gets from the edge: the merged configuration (read once), a lazily started
 * Spark session, and a progress printer to stderr. Nothing deeper in the code reads flags or the
 * environment.
 */
public final class JobContext implements AutoCloseable {
    private final Flags flags;
    private final Config config;
    private final PrintStream progressStream;
    private final Instant started = Instant.now();
    private SparkSession spark;

    public JobContext(Flags flags, Config config, PrintStream progressStream) {
        this.flags = flags;
        this.config = config;
        this.progressStream = progressStream;
    }

    /** The merged configuration: defaults, the local or cluster overlay, then {@code --conf} files. */
    public Config config() {
        return config;
    }

    /** Starts (once) and returns the Spark session for this command. */
    public synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSessions.create("metarouter " + flags.command(), flags.master(), flags.sparkConf(), config);
        }
        return spark;
    }

    public boolean sparkStarted() {
        return spark != null;
    }

    /** One progress line on stderr, prefixed with the command and the elapsed time. */
    public void progress(String format, Object... args) {
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        progressStream.printf(Locale.ROOT, "[%s %7.1fs] %s%n", flags.command(), seconds,
                String.format(Locale.ROOT, format, args));
        progressStream.flush();
    }

    @Override
    public synchronized void close() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }
}
