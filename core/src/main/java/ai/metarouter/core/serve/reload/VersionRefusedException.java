package ai.metarouter.core.serve.reload;

/** A registry version that must not be served; the message says why (checksum, format, probe). */
public final class VersionRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int version;

    public VersionRefusedException(int version, String reason, Throwable cause) {
        super("version " + version + " refused: " + reason, cause);
        this.version = version;
    }

    public int version() {
        return version;
    }
}
