package ai.metarouter.jobs.cli;

import java.util.List;

/**
 * One {@code metarouter} command. Commands declare their flags so that the CLI can validate all of
 * them at once (every problem reported in one line) before any work starts.
 */
public interface Command {
    /** The word after {@code metarouter}, e.g. {@code import-routerbench}. */
    String name();

    /** One line for {@code metarouter --help}. */
    String summary();

    /** Flags this command accepts besides the global ones ({@code --master}, {@code --conf}). */
    List<FlagSpec> flags();

    /**
     * Runs the command. Progress goes to stderr through {@link JobContext#progress}; results go
     * to the files named by flags. Failures are thrown as {@link CliException} (one-line reason).
     */
    void run(Flags flags, JobContext context) throws Exception;
}
