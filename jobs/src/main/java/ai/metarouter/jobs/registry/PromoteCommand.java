package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code metarouter promote --registry <uri> --version N}: verifies version N completely
 * (manifest format, every checksum, the weights' format) and then atomically points
 * {@code LATEST} at it. Rolling back is promoting an older version. Prints the promoted version
 * on stdout. Never starts Spark: promoting is a few small file operations, and operators run it
 * from machines without a cluster.
 */
public final class PromoteCommand implements Command {
    private final PrintStream out;

    /** Prints to {@code System.out} as it is when the command runs. */
    public PromoteCommand() {
        this(null);
    }

    PromoteCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "promote";
    }

    @Override
    public String summary() {
        return "verify an artifact version and point the registry's LATEST at it (atomically; also for rollback)";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("registry", "<uri>", "artifact registry: file:, hdfs:, s3a: URI or a plain path"),
                FlagSpec.required("version", "<N>", "the version to promote, e.g. 3 (an older one rolls back)"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        int version = parseVersion(flags.get("version"));
        String location = flags.get("registry");
        try (ArtifactRegistry registry = ArtifactRegistry.open(location)) {
            String before = describePointer(registry);
            context.progress("verifying version %d of %s", version, registry.uri());
            registry.promote(version);
            context.progress("LATEST: %s -> %d", before, version);
            (out != null ? out : System.out).println(version);
        } catch (ArtifactException e) {
            throw CliException.failure(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--registry: " + e.getMessage());
        } catch (IOException e) {
            throw CliException.failure("cannot access registry " + location + ": " + describe(e));
        }
    }

    private static int parseVersion(String text) {
        OptionalInt n = ArtifactLayout.parseVersionDir(text.startsWith("v") ? text : "v" + text);
        if (n.isEmpty()) {
            throw CliException.usage("--version must be a version number like 3, got '" + text + "'");
        }
        return n.getAsInt();
    }

    /** The current pointer for the progress line; an unreadable LATEST is exactly what promote repairs. */
    private static String describePointer(ArtifactRegistry registry) throws IOException {
        try {
            OptionalInt latest = registry.latestPointer();
            return latest.isPresent() ? Integer.toString(latest.getAsInt()) : "(none)";
        } catch (ArtifactException e) {
            return "(unreadable)";
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
