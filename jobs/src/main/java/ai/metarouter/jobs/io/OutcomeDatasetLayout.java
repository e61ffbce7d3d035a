package ai.metarouter.jobs.io;

import org.apache.hadoop.fs.Path;

/**
 * The one place that knows the names inside an outcome dataset directory ({@code --outcomes <dir>}):
 * <pre>
 * &lt;dir&gt;/outcomes/            Parquet, one row per (query, model)   {@link Schemas#outcomes()}
 * &lt;dir&gt;/models.json          the model catalog                      core ModelCatalog
 * &lt;dir&gt;/quarantine/          rejected input rows with a reason      (importers only)
 * &lt;dir&gt;/import-report.json   rows in / accepted / quarantined       (importers only)
 * </pre>
 *
 * @param root the dataset directory (any Hadoop URI or plain path)
 */
public record OutcomeDatasetLayout(Path root) {
    public static final String OUTCOMES_DIR = "outcomes";
    public static final String MODELS_FILE = "models.json";
    public static final String QUARANTINE_DIR = "quarantine";
    public static final String IMPORT_REPORT_FILE = "import-report.json";

    public OutcomeDatasetLayout {
        if (root == null) throw new IllegalArgumentException("outcome dataset root is null");
    }

    public static OutcomeDatasetLayout of(String uri) {
        return new OutcomeDatasetLayout(new Path(uri));
    }

    public Path outcomes() {
        return new Path(root, OUTCOMES_DIR);
    }

    public Path models() {
        return new Path(root, MODELS_FILE);
    }

    public Path quarantine() {
        return new Path(root, QUARANTINE_DIR);
    }

    public Path importReport() {
        return new Path(root, IMPORT_REPORT_FILE);
    }
}
