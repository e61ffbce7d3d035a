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
 * that {@code train --logs} reads (see the package documentation). Settings:
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
                FlagSpec.flag("overwrite", "replace an existing --output"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        Config c = context.config().getConfig("metarouter.ingest");
        long maxLine = c.getBytes("max-line-bytes");
        if (maxLine < 1 || maxLine > Integer.MAX_VALUE - 8) throw CliException.usage("metarouter.ingest.max-line-bytes out of range: " + maxLine);
        IngestJob.Options options = new IngestJob.Options(flags.get("input"), flags.get("output"), flags.isSet("overwrite"),
                (int) maxLine, c.getInt("quarantine-raw-chars"));
        try {
            IngestJob.run(context.spark(), options, line -> context.progress("%s", line));
        } catch (IngestJob.IngestException | SafeOutput.OutputExistsException e) {
            throw CliException.failure(e.getMessage());
        }
    }
}
