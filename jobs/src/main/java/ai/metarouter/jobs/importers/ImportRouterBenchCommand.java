package ai.metarouter.jobs.importers;

import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.InvalidDatasetException;
import ai.metarouter.jobs.io.SafeOutput;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code metarouter import-routerbench --input <csv file or dir> --output <dir>} (contract). */
public final class ImportRouterBenchCommand implements Command {
    /** Configuration key of the default for {@code --on-invalid}. */
    static final String ON_INVALID_KEY = "metarouter.import-routerbench.on-invalid";

    @Override
    public String name() {
        return "import-routerbench";
    }

    @Override
    public String summary() {
        return "RouterBench wide CSV(s) -> outcome table (Parquet), models.json, quarantine/, import-report.json";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("input", "<csv|dir>", "a RouterBench CSV (*_train.csv / *_test.csv) or a directory of them"),
                FlagSpec.required("output", "<dir>", "outcome dataset directory to create"),
                FlagSpec.optional("on-invalid", "<fail|quarantine>",
                        "non-numeric/NaN/out-of-range scores, negative costs, broken rows: fail (default) or quarantine them"),
                FlagSpec.flag("overwrite", "replace --output if it exists and is not empty"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        InvalidValuePolicy policy;
        try {
            policy = InvalidValuePolicy.fromWire(flags.getOrDefault("on-invalid", context.config().getString(ON_INVALID_KEY)));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(name() + ": --on-invalid: " + e.getMessage());
        }
        RouterBenchImporter.Options options = new RouterBenchImporter.Options(
                flags.get("input"), flags.get("output"), policy, flags.isSet("overwrite"));
        try {
            ImportReport report = new RouterBenchImporter(context.spark(), line -> context.progress("%s", line)).run(options);
            context.progress("rows in %d = accepted %d + quarantined %d %s; %d queries x %d models",
                    report.rowsIn(), report.rowsAccepted(), report.rowsQuarantined(), report.quarantinedByReason(),
                    report.queriesAccepted(), report.models().size());
        } catch (ImportException | InvalidDatasetException | SafeOutput.OutputExistsException | UncheckedIOException e) {
            // Expected failures: the message is the one-line reason. Anything else (a failed
            // reconciliation included) propagates and is reported with its stack trace.
            throw CliException.failure(oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String message) {
        return message == null ? "failed" : message.replace('\n', ' ').replace('\r', ' ');
    }
}
