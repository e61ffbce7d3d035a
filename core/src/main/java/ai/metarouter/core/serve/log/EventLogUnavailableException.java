package ai.metarouter.core.serve.log;

/** The event log cannot take more events now (its queue stayed full, or it is closed). */
public final class EventLogUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventLogUnavailableException(String message) {
        super(message);
    }
}
