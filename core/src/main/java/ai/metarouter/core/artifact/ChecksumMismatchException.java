package ai.metarouter.core.artifact;

/**
 * A file in a version directory whose SHA-256 or size differs from what the manifest recorded:
 * the file was damaged or replaced after publishing. Names the file so an operator knows which.
 */
public final class ChecksumMismatchException extends ArtifactFormatException {
    private static final long serialVersionUID = 1L;

    private final String file;

    public ChecksumMismatchException(String file, String message) {
        super(message);
        this.file = file;
    }

    /** Registry-relative path of the damaged file, e.g. {@code v3/weights.mrt}. */
    public String file() {
        return file;
    }
}
