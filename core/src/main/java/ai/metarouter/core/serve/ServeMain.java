package ai.metarouter.core.serve;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.serve.http.HttpRouterServer;
import ai.metarouter.core.serve.reload.VersionRefusedException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/metarouter serve}: runs on core's classpath alone (no Spark, no Hadoop). Reads
 * the configuration (conf/metarouter.conf's {@code metarouter.serve}, {@code --conf} overlays,
 * then flags), starts the {@link RouterService} and the HTTP server, and shuts both down
 * gracefully on SIGTERM/SIGINT. Startup problems (no registry, nothing promoted, a refused
 * version, a port or directory in use) end the process with one line on stderr and exit code 1;
 * bad flags with exit code 2.
 */
public final class ServeMain {
    /** Environment variable that may carry the bearer token (instead of a file). */
    public static final String TOKEN_ENV = "METAROUTER_SERVE_TOKEN";

    private ServeMain() {}

    public static void main(String[] args) {
        PrintStream err = System.err;
        List<String> argList = Arrays.asList(args);
        if (argList.contains("--help") || argList.contains("-h")) {
            err.print(ServeFlags.usage());
            return;
        }
        ServeConfig config;
        Path portFile;
        try {
            ServeFlags flags = ServeFlags.parse(argList);
            config = config(flags, System.getenv(TOKEN_ENV));
            portFile = flags.has("port-file") ? Path.of(flags.get("port-file")) : null;
        } catch (IllegalArgumentException | ConfigException | IOException e) {
            err.println("metarouter serve: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            RouterService service = RouterService.start(config, Clock.systemUTC(), err);
            HttpRouterServer http;
            try {
                http = HttpRouterServer.start(service, config, err);
            } catch (IOException e) {
                service.close();
                throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                err.println("metarouter serve: shutting down (finishing in-flight requests)");
                http.close();
                service.close();
                err.println("metarouter serve: stopped");
            }, "metarouter-shutdown"));
            if (portFile != null) writeAtomically(portFile, Integer.toString(http.port()));
            err.println("metarouter serve: listening on " + http.baseUrl() + " (artifact v" + service.version().version()
                    + ", log-dir " + (config.logDir() == null ? "none" : config.logDir()) + ", state-dir "
                    + (config.stateDir() == null ? "none: states are lost on restart" : config.stateDir()) + ", auth "
                    + (config.authToken() == null ? "off" : "bearer") + ")");
        } catch (IOException | java.io.UncheckedIOException | VersionRefusedException | ArtifactException | IllegalStateException
                 | IllegalArgumentException e) {
            // Startup problems end in one line: no registry, nothing promoted, a refused version, a busy port or directory.
            err.println("metarouter serve: " + oneLine(e));
            System.exit(1);
        }
    }

    /** The effective configuration: packaged defaults, {@code --conf} overlays (later wins), flags. */
    static ServeConfig config(ServeFlags flags, String tokenFromEnv) throws IOException {
        Config root = ServeConfig.packagedDefaults();
        for (String file : flags.confFiles()) {
            File f = new File(file);
            if (!f.isFile()) throw new IllegalArgumentException("--conf file not found: " + file);
            root = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(root).resolve();
        }
        ServeConfig.Builder b = ServeConfig.fromConfig(root, flags.get("registry"));
        if (flags.has("version")) b.version(flags.get("version"));
        if (flags.has("host")) b.host(flags.get("host"));
        if (flags.has("port")) b.port(flags.getInt("port"));
        if (flags.has("log-dir")) b.logDir(Path.of(flags.get("log-dir")));
        if (flags.has("state-dir")) b.stateDir(Path.of(flags.get("state-dir")));
        if (flags.has("threads")) b.threads(flags.getInt("threads"));
        if (flags.has("users-in-memory")) b.usersInMemory(flags.getInt("users-in-memory"));
        if (flags.has("max-body-bytes")) b.maxBodyBytes(flags.getInt("max-body-bytes"));
        if (flags.has("poll-interval-ms")) b.pollInterval(Duration.ofMillis(flags.getInt("poll-interval-ms")));
        if (flags.has("auth-token-file")) {
            Path tokenFile = Path.of(flags.get("auth-token-file"));
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) throw new IllegalArgumentException("--auth-token-file " + tokenFile + " is empty");
            b.authToken(token);
        } else if (tokenFromEnv != null && !tokenFromEnv.isBlank()) {
            b.authToken(tokenFromEnv.strip());
        }
        return b.build();
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
