package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code metarouter promote --registry <uri> --version N|previous}: verifies version N completely
 * (manifest format, every checksum, the weights' format) and then atomically points
 * {@code LATEST} at it. Rolling back is promoting an older version; {@code previous} promotes the
 * newest version older than the current LATEST that passes verification (damaged ones are
 * skipped). Prints the promoted version on stdout. Never starts Spark: promoting is a few small
 * file operations, and operators run it from machines without a cluster.
 */
public final class PromoteCommand implements Command {
    /** The {@code --version} value that rolls back to the newest verified older version. */
    static final String PREVIOUS = "previous";

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
                FlagSpec.required("version", "<N|previous>", "the version to promote, e.g. 3 (an older one rolls back); "
                        + "previous: the newest verified version older than LATEST"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        String text = flags.get("version").strip();
        boolean previous = text.toLowerCase(Locale.ROOT).equals(PREVIOUS);
        int version = previous ? 0 : RegistryCommands.parseVersionNumber("version", text);
        String location = flags.get("registry");
        RegistryCommands.run("registry " + location, () -> {
            try (ArtifactRegistry registry = RegistryCommands.open("registry", location)) {
                String before = RegistryCommands.describePointer(registry);
                int promoted;
                if (previous) {
                    context.progress("rolling back %s: looking for the newest verified version older than %s", registry.uri(), before);
                    promoted = registry.rollback();
                } else {
                    context.progress("verifying version %d of %s", version, registry.uri());
                    registry.promote(version);
                    promoted = version;
                }
                context.progress("LATEST: %s -> %d", before, promoted);
                RegistryCommands.out(out).println(promoted);
            }
        });
    }
}
