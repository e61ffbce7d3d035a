package ai.metarouter.core.serve;

/** A request the service refuses as malformed (HTTP 400); the message says what is wrong. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
