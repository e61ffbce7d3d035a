package ai.metarouter.core.artifact;

/** The registry has no {@code LATEST} pointer: nothing has been promoted yet. */
public final class LatestMissingException extends ArtifactException {
    private static final long serialVersionUID = 1L;

    public LatestMissingException(String message) {
        super(message);
    }
}
