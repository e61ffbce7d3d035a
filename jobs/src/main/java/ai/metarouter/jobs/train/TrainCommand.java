package ai.metarouter.jobs.train;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.HadoopFiles;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metarouter train --logs <dir> --outcomes <dir> --registry <uri> [--warm-start latest]
 * [--conf <file>] [--from yyyy-MM-dd] [--to yyyy-MM-dd] [--optimizer adam|lbfgs] [--iterations N]
 * [--checkpoint-dir <uri>] [--seed S] [--partitions P] [--version-file <file>]}: distributed
 * meta-training ({@link TrainJob}); prints the new version number on stdout and nothing else (and
 * writes it to {@code --version-file} when given). Defaults come from {@code metarouter.train};
 * flags win. A killed run started again with the same flags resumes from its last checkpoint.
 */
public final class TrainCommand implements Command {
    private final PrintStream out;

    /** Prints to {@code System.out} as it is when the command runs. */
    public TrainCommand() {
        this(null);
    }

    TrainCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "distributed meta-training on interaction logs -> a new artifact version in the registry (prints the version)";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("logs", "<dir>", "interaction log (dt= partitions), e.g. simulate's output"),
                FlagSpec.required("outcomes", "<dir>", "outcome dataset: the outcome predictor is fitted on its train split"),
                FlagSpec.required("registry", "<uri>", "artifact registry: file:, hdfs:, s3a: URI or a plain path"),
                FlagSpec.optional("warm-start", "latest", "start from the meta-parameters of the registry's LATEST"),
                FlagSpec.optional("from", "<yyyy-MM-dd>", "first dt partition to read (default: all)"),
                FlagSpec.optional("to", "<yyyy-MM-dd>", "last dt partition to read (default: all)"),
                FlagSpec.optional("optimizer", "adam|lbfgs", "outer optimiser (default metarouter.train.optimizer)"),
                FlagSpec.optional("iterations", "<N>", "outer iterations (default metarouter.train.iterations)"),
                FlagSpec.optional("checkpoint-dir", "<uri>", "checkpoint directory (default <registry>/_checkpoints/train-<fingerprint>)"),
                FlagSpec.optional("seed", "<S>", "seed of initialisation, sampling and noise (default metarouter.seed)"),
                FlagSpec.optional("partitions", "<P>", "Spark partitions of the per-user tasks (default: automatic)"),
                FlagSpec.optional("version-file", "<file>", "also write the new version number to this file (for schedulers: no log parsing)"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        TrainSettings settings = settings(flags, context.config());
        LocalDate from = date(flags, "from");
        LocalDate to = date(flags, "to");
        if (from != null && to != null && from.isAfter(to)) throw CliException.usage(name() + ": --from " + from + " is after --to " + to);
        boolean warm = false;
        if (flags.has("warm-start")) {
            if (!flags.get("warm-start").trim().equalsIgnoreCase("latest")) {
                throw CliException.usage(name() + ": --warm-start only accepts 'latest', got '" + flags.get("warm-start") + "'");
            }
            warm = true;
        }
        String ckpt = flags.optional("checkpoint-dir").orElse(context.config().getString("metarouter.train.checkpoint-dir"));
        TrainJob.Request request = new TrainJob.Request(flags.get("logs"), flags.get("outcomes"), flags.get("registry"), from, to, warm,
                ckpt.isBlank() ? null : ckpt);
        TrainJob.Result result;
        try {
            result = TrainJob.run(context.spark(), settings, request, line -> context.progress("%s", line));
        } catch (TrainJob.TrainException | ArtifactException e) {
            throw CliException.failure(e.getMessage());
        } catch (IllegalArgumentException e) {
            // InvalidDatasetException and friends name the file and the problem.
            throw CliException.failure(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw CliException.failure("I/O: " + e.getMessage());
        }
        context.progress("trained %,d users (%,d events) in %d iterations: prepare %.1f s, train %.1f s",
                result.stats().admittedUsers(), result.stats().admittedEvents(), result.log().size(), result.prepareSeconds(),
                result.trainSeconds());
        PrintStream stdout = out != null ? out : System.out;
        stdout.println(result.version());
        stdout.flush();
        if (flags.has("version-file")) writeVersionFile(flags.get("version-file"), result.version());
    }

    /** The published version, one line; written after publishing, so the file never names a missing version. */
    private static void writeVersionFile(String uri, int version) {
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        try {
            HadoopFiles.writeUtf8(hadoop, HadoopFiles.qualify(hadoop, uri), version + "\n");
        } catch (UncheckedIOException e) {
            throw CliException.failure("published v" + version + " but --version-file: " + e.getMessage());
        }
    }

    /** {@code metarouter.train} with the flags laid over it. */
    TrainSettings settings(Flags flags, Config config) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (flags.has("optimizer")) overrides.put("optimizer", flags.get("optimizer"));
        if (flags.has("iterations")) {
            int n = flags.getInt("iterations", 0);
            if (n < 0) throw CliException.usage(name() + ": --iterations must be >= 0, got " + n);
            overrides.put("iterations", n);
        }
        if (flags.has("seed")) overrides.put("seed", flags.getLong("seed", 0));
        if (flags.has("partitions")) overrides.put("partitions", flags.getPositiveInt("partitions", 1));
        try {
            return TrainSettings.fromRoot(config, overrides);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(name() + ": " + e.getMessage());
        }
    }

    private LocalDate date(Flags flags, String name) {
        if (!flags.has(name)) return null;
        try {
            return LocalDate.parse(flags.get(name).trim());
        } catch (DateTimeParseException e) {
            throw CliException.usage(name() + ": --" + name + " must be yyyy-MM-dd, got '" + flags.get(name) + "'");
        }
    }
}
