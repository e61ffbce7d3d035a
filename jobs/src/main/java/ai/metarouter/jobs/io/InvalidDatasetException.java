package ai.metarouter.jobs.io;

/**
 * A dataset on disk is missing or does not have the form its schema says. The message is one line
 * and names the path (and the column or row) so that a CLI can print it as the reason.
 */
public final class InvalidDatasetException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidDatasetException(String message) {
        super(message);
    }

    public InvalidDatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
