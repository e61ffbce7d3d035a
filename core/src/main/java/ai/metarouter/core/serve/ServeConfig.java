package ai.metarouter.core.serve;

import ai.metarouter.core.bandit.Exploration;
import ai.metarouter.core.serve.log.EventLogConfig;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the serving tier is configured with. Defaults come from {@code conf/metarouter.conf}
 * ({@code metarouter.serve}, packaged into core's jar), so they are written down once; {@link
 * Builder} overrides single settings (flags, tests).
 *
 * @param registry registry URI or path ({@code file:} and plain paths on core's classpath; other
 *        schemes need a store provider for them on the classpath, see {@code ArtifactStores})
 * @param version {@code latest} to serve and follow LATEST, or a version number to pin
 * @param host address to bind
 * @param port port to bind (0 = any free port)
 * @param logDir decision/feedback log directory, or null to log nothing
 * @param stateDir user state store directory, or null to keep states in memory only
 * @param authToken bearer token every request but {@code /healthz} must carry, or null for none
 * @param threads request handler threads
 * @param queueCapacity requests waiting for a handler thread at most
 * @param maxBodyBytes largest request body accepted
 * @param maxQueryChars longest query accepted
 * @param maxUserIdChars longest user id accepted
 * @param usersInMemory adapted user states cached in memory at most
 * @param feedbackPerUser most recent feedback events kept per user
 * @param stateCacheMb page cache of the state store, MiB
 * @param pollInterval how often LATEST is read
 * @param retryRefused how long a refused version is left alone
 * @param shutdownGrace how long in-flight requests get to finish on shutdown
 * @param durabilityTimeout how long a feedback request waits for its state and log line to be durable
 * @param exploration how route decisions explore (with a propensity floor)
 * @param eventLog bounds and timing of the decision/feedback log
 */
public record ServeConfig(String registry, String version, String host, int port, Path logDir, Path stateDir, String authToken, int threads,
                          int queueCapacity, int maxBodyBytes, int maxQueryChars, int maxUserIdChars, int usersInMemory,
                          int feedbackPerUser, int stateCacheMb, Duration pollInterval, Duration retryRefused,
                          Duration shutdownGrace, Duration durabilityTimeout, Exploration exploration, EventLogConfig eventLog) {

    /** Where core's jar carries conf/metarouter.conf. */
    public static final String DEFAULTS_RESOURCE = "metarouter-conf-core/metarouter.conf";

    public ServeConfig {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        if (authToken != null && authToken.isBlank()) throw new IllegalArgumentException("the auth token is blank");
        positive("threads", threads);
        positive("queue", queueCapacity);
        positive("max-body-bytes", maxBodyBytes);
        positive("max-query-chars", maxQueryChars);
        positive("max-user-id-chars", maxUserIdChars);
        positive("users-in-memory", usersInMemory);
        positive("feedback-per-user", feedbackPerUser);
        positive("state-cache-mb", stateCacheMb);
        for (Duration d : new Duration[] {pollInterval, retryRefused, shutdownGrace, durabilityTimeout}) {
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be > 0, got " + d);
        }
        Objects.requireNonNull(exploration, "exploration");
        Objects.requireNonNull(eventLog, "eventLog");
    }

    private static void positive(String name, long v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }

    /** The packaged defaults ({@code metarouter.serve} of conf/metarouter.conf) for a registry. */
    public static Builder defaults(String registry) {
        return fromConfig(packagedDefaults(), registry);
    }

    /** The packaged {@code metarouter} configuration (the root of conf/metarouter.conf). */
    public static Config packagedDefaults() {
        return ConfigFactory.parseResources(ServeConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    }

    /** Settings from a merged configuration's {@code metarouter.serve} section. */
    public static Builder fromConfig(Config root, String registry) {
        Config c = root.getConfig("metarouter.serve");
        int threads = c.getInt("threads");
        Config log = c.getConfig("event-log");
        return new Builder()
                .registry(registry)
                .version("latest")
                .host(c.getString("host"))
                .port(c.getInt("port"))
                .threads(threads > 0 ? threads : Math.max(4, 2 * Runtime.getRuntime().availableProcessors()))
                .queueCapacity(c.getInt("queue"))
                .maxBodyBytes(Math.toIntExact(c.getBytes("max-body-bytes")))
                .maxQueryChars(c.getInt("max-query-chars"))
                .maxUserIdChars(c.getInt("max-user-id-chars"))
                .usersInMemory(c.getInt("users-in-memory"))
                .feedbackPerUser(c.getInt("feedback-per-user"))
                .stateCacheMb(c.getInt("state-cache-mb"))
                .pollInterval(c.getDuration("poll-interval"))
                .retryRefused(c.getDuration("retry-refused"))
                .shutdownGrace(c.getDuration("shutdown-grace"))
                .durabilityTimeout(c.getDuration("durability-timeout"))
                .exploration(exploration(c.getConfig("exploration")))
                .eventLog(new EventLogConfig(log.getBytes("max-file-bytes"), log.getDuration("max-file-age"),
                        log.getDuration("sync-interval"), log.getInt("queue"), log.getDuration("enqueue-timeout")));
    }

    /** The exploration a {@code exploration { strategy, tau, epsilon, min-propensity }} block names. */
    static Exploration exploration(Config c) {
        return Exploration.named(c.getString("strategy"), c.getDouble("tau"), c.getDouble("epsilon"), c.getDouble("min-propensity"));
    }

    /** As the record's, but the auth token is never printed. */
    @Override
    public String toString() {
        return "ServeConfig[registry=" + registry + ", version=" + version + ", host=" + host + ", port=" + port + ", logDir=" + logDir + ", stateDir="
                + stateDir + ", auth=" + (authToken == null ? "none" : "bearer") + ", threads=" + threads + ", exploration="
                + exploration + "]";
    }

    /** Mutable settings, turned into a validated {@link ServeConfig} by {@link #build()}. */
    public static final class Builder {
        private String registry;
        private String version;
        private String host;
        private int port;
        private Path logDir;
        private Path stateDir;
        private String authToken;
        private int threads;
        private int queueCapacity;
        private int maxBodyBytes;
        private int maxQueryChars;
        private int maxUserIdChars;
        private int usersInMemory;
        private int feedbackPerUser;
        private int stateCacheMb;
        private Duration pollInterval;
        private Duration retryRefused;
        private Duration shutdownGrace;
        private Duration durabilityTimeout;
        private Exploration exploration;
        private EventLogConfig eventLog;

        public Builder registry(String v) { registry = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder logDir(Path v) { logDir = v; return this; }
        public Builder stateDir(Path v) { stateDir = v; return this; }
        public Builder authToken(String v) { authToken = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder queueCapacity(int v) { queueCapacity = v; return this; }
        public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }
        public Builder maxQueryChars(int v) { maxQueryChars = v; return this; }
        public Builder maxUserIdChars(int v) { maxUserIdChars = v; return this; }
        public Builder usersInMemory(int v) { usersInMemory = v; return this; }
        public Builder feedbackPerUser(int v) { feedbackPerUser = v; return this; }
        public Builder stateCacheMb(int v) { stateCacheMb = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder retryRefused(Duration v) { retryRefused = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder durabilityTimeout(Duration v) { durabilityTimeout = v; return this; }
        public Builder exploration(Exploration v) { exploration = v; return this; }
        public Builder eventLog(EventLogConfig v) { eventLog = v; return this; }

        public ServeConfig build() {
            return new ServeConfig(registry, version, host, port, logDir, stateDir, authToken, threads, queueCapacity, maxBodyBytes,
                    maxQueryChars, maxUserIdChars, usersInMemory, feedbackPerUser, stateCacheMb, pollInterval, retryRefused,
                    shutdownGrace, durabilityTimeout, exploration, eventLog);
        }
    }
}
