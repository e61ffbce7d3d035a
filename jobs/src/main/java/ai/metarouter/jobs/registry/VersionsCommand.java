package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code metarouter versions --registry <uri> [--clean-staging <age>]}: the operator's view of a
 * registry. Prints one line per committed version on stdout: its number, whether LATEST names it,
 * its manifest's {@code created_at}, whether it passes full verification (every checksum and
 * format, as promote and serving check), its training data and a summary of its metrics; what is
 * in {@code _staging} goes to stderr. With {@code --clean-staging <age>} it deletes staging
 * entries older than {@code age} (what killed publishers left behind). Never starts Spark.
 */
public final class VersionsCommand implements Command {
    /** Metrics shown per version; the manifest has them all. */
    static final int METRICS_SHOWN = 6;

    private final PrintStream out;

    /** Prints to {@code System.out} as it is when the command runs. */
    public VersionsCommand() {
        this(null);
    }

    VersionsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "versions";
    }

    @Override
    public String summary() {
        return "list a registry's versions (LATEST, created_at, verification, metrics); --clean-staging removes abandoned publishes";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("registry", "<uri>", "artifact registry: file:, hdfs:, s3a: URI or a plain path"),
                FlagSpec.optional("clean-staging", "<age>", "delete _staging entries older than this, e.g. 24h "
                        + "(0s removes all: only when no publish is running)"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        String location = flags.get("registry");
        Optional<Duration> cleanOlderThan = flags.optional("clean-staging").map(VersionsCommand::parseAge);
        RegistryCommands.run("registry " + location, () -> {
            try (ArtifactRegistry registry = RegistryCommands.open("registry", location)) {
                PrintStream o = RegistryCommands.out(out);
                OptionalInt latest = latest(registry, context);
                List<Integer> versions = registry.listVersions();
                o.printf(Locale.ROOT, "%-8s %-6s %-24s %-9s %-34s %s%n", "VERSION", "LATEST", "CREATED_AT", "STATUS",
                        "TRAINING_DATA", "METRICS");
                int damaged = 0;
                for (int v : versions) {
                    String mark = latest.isPresent() && latest.getAsInt() == v ? "*" : "";
                    try {
                        Manifest m = registry.verify(v);
                        o.printf(Locale.ROOT, "%-8d %-6s %-24s %-9s %-34s %s%n", v, mark, m.createdAt(), "verified",
                                trainingData(m.trainingData()), summarize(m.metrics()));
                    } catch (ArtifactException e) {
                        damaged++;
                        o.printf(Locale.ROOT, "%-8d %-6s %-24s %-9s %s%n", v, mark, createdAt(registry, v), "DAMAGED", e.getMessage());
                    }
                }
                context.progress("%s: %d versions (%d damaged), LATEST %s", registry.uri(), versions.size(), damaged,
                        latest.isPresent() ? Integer.toString(latest.getAsInt()) : "(none)");
                staging(registry, cleanOlderThan, context);
            }
        });
    }

    private static OptionalInt latest(ArtifactRegistry registry, JobContext context) throws java.io.IOException {
        try {
            return registry.latestPointer();
        } catch (ArtifactException e) {
            context.progress("LATEST is unreadable: %s", e.getMessage());
            return OptionalInt.empty();
        }
    }

    private static void staging(ArtifactRegistry registry, Optional<Duration> cleanOlderThan, JobContext context)
            throws java.io.IOException {
        List<ArtifactRegistry.StagingEntry> entries = registry.staging();
        if (!entries.isEmpty()) {
            Instant now = Instant.now();
            List<String> described = new ArrayList<>();
            for (ArtifactRegistry.StagingEntry e : entries) {
                described.add(e.name() + " (" + e.age(now).map(VersionsCommand::formatAge).orElse("age unknown") + ")");
            }
            context.progress("_staging holds %d entries, publishes in progress or abandoned: %s", entries.size(),
                    String.join(", ", described));
        }
        if (cleanOlderThan.isPresent()) {
            List<ArtifactRegistry.StagingEntry> removed = registry.removeStaleStaging(cleanOlderThan.get());
            context.progress("removed %d staging entries older than %s%s", removed.size(), formatAge(cleanOlderThan.get()),
                    removed.isEmpty() ? "" : ": " + String.join(", ", removed.stream().map(ArtifactRegistry.StagingEntry::name).toList()));
        }
    }

    /** A duration in HOCON's notation ({@code 24h}, {@code 30m}, {@code 2 days}, {@code 0s}). */
    static Duration parseAge(String text) {
        if (text.strip().matches("[0-9]+") && !text.strip().matches("0+")) {
            throw CliException.usage("--clean-staging needs a unit, e.g. 24h, 30m or 2d, got '" + text + "'");
        }
        Duration age;
        try {
            age = ConfigFactory.empty().withValue("age", ConfigValueFactory.fromAnyRef(text)).getDuration("age");
        } catch (ConfigException e) {
            throw CliException.usage("--clean-staging must be an age like 24h, 30m or 2d, got '" + text + "'");
        }
        if (age.isNegative()) throw CliException.usage("--clean-staging must not be negative, got '" + text + "'");
        return age;
    }

    static String formatAge(Duration d) {
        long s = d.getSeconds();
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        if (s < 172_800) return (s / 3600) + "h";
        return (s / 86_400) + "d";
    }

    private static String trainingData(Manifest.TrainingData t) {
        return t.from() + ".." + t.to() + " " + t.users() + " users";
    }

    private static String createdAt(ArtifactRegistry registry, int version) {
        try {
            return registry.readManifest(version).createdAt().toString();
        } catch (ArtifactException | java.io.IOException e) {
            return "?";
        }
    }

    /** The first {@link #METRICS_SHOWN} scalar metrics as {@code key=value}, numbers to 4 significant digits. */
    static String summarize(ObjectNode metrics) {
        List<String> parts = new ArrayList<>();
        int scalars = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) continue;
            scalars++;
            if (parts.size() == METRICS_SHOWN) continue;
            String value = v.isIntegralNumber() ? v.asText()
                    : v.isNumber() ? String.format(Locale.ROOT, "%.4g", v.asDouble()) : v.asText();
            parts.add(e.getKey() + "=" + value);
        }
        if (scalars > parts.size()) parts.add("... (" + (scalars - parts.size()) + " more)");
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }
}
