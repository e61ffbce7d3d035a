package ai.metarouter.core.artifact;

/**
 * A problem with the content of an artifact or a registry (as opposed to an I/O failure, which is
 * an {@link java.io.IOException}). Unchecked so that model code decoding a bundle does not have to
 * declare it; messages are one line and name the registry, version and file concerned.
 */
public class ArtifactException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
