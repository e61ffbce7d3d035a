package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.VersionExport;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code metarouter export --from <uri> --to <uri> --version N|latest [--promote]}: copies a
 * verified version from one registry to another (any pair of {@code file:}, {@code hdfs:},
 * {@code s3a:}, ... URIs) under the same number, through the destination's staged publish, and
 * verifies every checksum at the destination; with {@code --promote}, then points the
 * destination's LATEST at it. What is guaranteed is {@link VersionExport}'s: never a partial
 * version visible at the destination, idempotent for an identical copy, never replacing a
 * different one. Prints the version on stdout. Never starts Spark.
 */
public final class ExportCommand implements Command {
    private final PrintStream out;

    /** Prints to {@code System.out} as it is when the command runs. */
    public ExportCommand() {
        this(null);
    }

    ExportCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "copy a verified version to another registry (staged; checksums verified there; --promote moves its LATEST)";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("from", "<uri>", "source registry: file:, hdfs:, s3a: URI or a plain path"),
                FlagSpec.required("to", "<uri>", "destination registry (created if missing)"),
                FlagSpec.required("version", "<N|latest>", "the version to copy; latest: what the source's LATEST names"),
                FlagSpec.flag("promote", "afterwards point the destination's LATEST at the version"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        String ref = RegistryCommands.parseVersionRef("version", flags.get("version"));
        boolean promote = flags.isSet("promote");
        String fromLocation = flags.get("from");
        String toLocation = flags.get("to");
        RegistryCommands.run("registries " + fromLocation + " / " + toLocation, () -> {
            try (ArtifactRegistry from = RegistryCommands.open("from", fromLocation);
                 ArtifactRegistry to = RegistryCommands.open("to", toLocation)) {
                context.progress("exporting version %s of %s to %s", ref, from.uri(), to.uri());
                VersionExport.Result result = VersionExport.export(from, to, ref, promote);
                context.progress("%s: version %d at %s, every checksum verified there",
                        result.outcome() == VersionExport.Outcome.COPIED ? "copied" : "already present (identical), nothing copied",
                        result.version(), to.uri());
                String before = result.latestBefore().isPresent() ? Integer.toString(result.latestBefore().getAsInt()) : "(none)";
                if (result.promoted()) {
                    context.progress("LATEST at the destination: %s -> %d", before, result.version());
                } else {
                    context.progress("LATEST at the destination unchanged: %s (--promote moves it)", before);
                }
                RegistryCommands.out(out).println(result.version());
            }
        });
    }
}
