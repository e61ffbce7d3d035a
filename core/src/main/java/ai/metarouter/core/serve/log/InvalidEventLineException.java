package ai.metarouter.core.serve.log;

/** A log line that is not a valid interaction event; the message is the reason, for a quarantine. */
public final class InvalidEventLineException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidEventLineException(String reason) {
        super(reason);
    }
}
