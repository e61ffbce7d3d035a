package ai.metarouter.core.artifact;

/**
 * Bytes or JSON that are not a valid artifact of a format version this reader supports: wrong
 * magic, unknown format version, truncated or corrupt data, a manifest missing a required key, or
 * a tensor of the wrong shape for the model reading it.
 */
public class ArtifactFormatException extends ArtifactException {
    private static final long serialVersionUID = 1L;

    public ArtifactFormatException(String message) {
        super(message);
    }

    public ArtifactFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
