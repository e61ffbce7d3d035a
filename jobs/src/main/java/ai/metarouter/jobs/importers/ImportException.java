package ai.metarouter.jobs.importers;

/**
 * Input an importer cannot use at all (missing file, wrong columns, no rows, an invalid value when
 * the policy is to fail). The message is one line naming the file and the row or column.
 */
public final class ImportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
