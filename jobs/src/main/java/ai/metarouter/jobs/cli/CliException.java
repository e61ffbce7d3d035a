package ai.metarouter.jobs.cli;

/**
 * A failure the user can act on. Its message is printed as the one-line reason and the process
 * exits non-zero. {@link #USAGE} marks a wrong command line (exit 2), {@link #FAILURE} anything
 * else (bad input data, I/O, a failed job: exit 1).
 */
public final class CliException extends RuntimeException {
    public static final int USAGE = 2;
    public static final int FAILURE = 1;
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public static CliException failure(String message) {
        return new CliException(FAILURE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
