package ai.metarouter.core.serve;

/** The service cannot complete a valid request now (HTTP 503): draining, or its log or store is failing. */
public final class ServiceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
