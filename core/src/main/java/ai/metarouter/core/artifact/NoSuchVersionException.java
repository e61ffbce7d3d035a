package ai.metarouter.core.artifact;

/** A version number that the registry does not hold (never published, or not yet committed). */
public final class NoSuchVersionException extends ArtifactException {
    private static final long serialVersionUID = 1L;

    private final int version;

    public NoSuchVersionException(int version, String message) {
        super(message);
        this.version = version;
    }

    public int version() {
        return version;
    }
}
