package ai.metarouter.core.serve.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of the files under {@code --log-dir}. A file is written as
 * {@code events-<yyyyMMdd'T'HHmmss'Z'>-<instance>-<seq>.jsonl.inprogress} and renamed to the same
 * name without {@value #IN_PROGRESS_SUFFIX} when it is complete (rotated or closed), so a reader
 * ({@code ingest}) takes exactly the {@code .jsonl} files and never a file still growing. Names sort
 * by start time. {@value #LOCK_FILE} keeps a second server off the same directory.
 */
public final class LogFileNames {
    public static final String PREFIX = "events-";
    public static final String COMPLETE_SUFFIX = ".jsonl";
    public static final String IN_PROGRESS_SUFFIX = ".inprogress";
    public static final String LOCK_FILE = ".serve.lock";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Pattern COMPLETE = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9._-]+" + Pattern.quote(COMPLETE_SUFFIX));

    private LogFileNames() {}

    /** The in-progress name of the {@code seq}-th file an instance opens at {@code start}. */
    public static String inProgress(Instant start, String instance, long seq) {
        return String.format(Locale.ROOT, "%s%s-%s-%06d%s%s", PREFIX, STAMP.format(start), instance, seq, COMPLETE_SUFFIX,
                IN_PROGRESS_SUFFIX);
    }

    /** The name a file gets when complete. */
    public static String completed(String inProgressName) {
        if (!isInProgress(inProgressName)) throw new IllegalArgumentException("not an in-progress log file: " + inProgressName);
        return inProgressName.substring(0, inProgressName.length() - IN_PROGRESS_SUFFIX.length());
    }

    public static boolean isInProgress(String name) {
        return name.startsWith(PREFIX) && name.endsWith(COMPLETE_SUFFIX + IN_PROGRESS_SUFFIX);
    }

    /** A complete log file: what {@code ingest} reads. */
    public static boolean isComplete(String name) {
        return COMPLETE.matcher(name).matches();
    }
}
