package ai.metarouter.jobs.ingest;

import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.SafeOutput;
import com.typesafe.config.Config;
import java.util.List;

/**
 * {@code metarouter ingest --input <serve log-dir> --output <logs dir> [--overwrite]}: validates
 * serve's decision and feedback logs and converts them to the {@code dt=} Parquet interaction log
 * that {@code train --logs} reads (see the package documentation), then optionally validates the
 * result ({@link IngestValidation}: {@code --max-quarantined-share}, {@code --min-events},
 * {@code --dt}; a failed validation exits 1 with the output left for inspection). Settings:
 * {@code metarouter.ingest.max-line-bytes}, {@code metarouter.ingest.quarantine-raw-chars}.
 */
public final class IngestCommand implements Command {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "validate serve's JSON-lines logs into dt= Parquet interaction logs (bad lines quarantined with reasons)";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("input", "<dir>", "serve's --log-dir (complete events-*.jsonl files are read)"),
                FlagSpec.required("output", "<dir>", "interaction log to create: dt=yyyy-MM-dd/ Parquet, quarantine/, ingest-report.json"),
                FlagSpec.flag("overwrite", "replace an existing --output"),
                FlagSpec.optional("max-quarantined-share", "<r>", "validate: fail when more than this share of lines is quarantined"),
                FlagSpec.optional("min-events", "<n>", "validate: fail with fewer accepted events (in the --dt partition when given)"),
                FlagSpec.optional("dt", "<yyyy-MM-dd>", "validate: the day the input holds; --min-events counts its partition"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        Config c = context.config().getConfig("metarouter.ingest");
        long maxLine = c.getBytes("max-line-bytes");
        if (maxLine < 1 || maxLine > Integer.MAX_VALUE - 8) throw CliException.usage("metarouter.ingest.max-line-bytes out of range: " + maxLine);
        IngestJob.Options options = new IngestJob.Options(flags.get("input"), flags.get("output"), flags.isSet("overwrite"),
                (int) maxLine, c.getInt("quarantine-raw-chars"));
        IngestValidation validation = validation(flags);
        IngestReport report;
        try {
            report = IngestJob.run(context.spark(), options, line -> context.progress("%s", line));
        } catch (IngestJob.IngestException | SafeOutput.OutputExistsException e) {
            throw CliException.failure(e.getMessage());
        }
        List<String> problems = validation.problems(report);
        if (!problems.isEmpty()) {
            throw CliException.failure("validation failed for " + options.output() + " (written, see " + IngestJob.REPORT_FILE + "): "
                    + String.join("; ", problems));
        }
        if (validation.active()) context.progress("validation passed: %s", validation);
    }

    private IngestValidation validation(Flags flags) {
        double share = flags.getDouble("max-quarantined-share", 1.0);
        if (share < 0 || share > 1) throw CliException.usage(name() + ": --max-quarantined-share must be in [0, 1], got " + share);
        long minEvents = flags.getLong("min-events", 0);
        if (minEvents < 0) throw CliException.usage(name() + ": --min-events must be >= 0, got " + minEvents);
        String dt = flags.optional("dt").map(String::trim).orElse(null);
        if (dt != null) {
            try {
                java.time.LocalDate.parse(dt);
            } catch (java.time.format.DateTimeParseException e) {
                throw CliException.usage(name() + ": --dt must be yyyy-MM-dd, got '" + dt + "'");
            }
        }
        return new IngestValidation(flags.has("max-quarantined-share") ? share : null, minEvents, dt);
    }
}
