package ai.metarouter.jobs.simulate;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import java.io.Serializable;

/**
 * An outcome table and its catalog in a form Spark can broadcast: core's {@link OutcomeTable} is
 * deliberately not {@link Serializable} (serving embeds it), so the job ships plain arrays and each
 * executor rebuilds the table once.
 */
final class OutcomeSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] queryIds;
    private final String[] tasks;
    private final String[] prompts;
    private final String[] splits;
    private final String[] models;
    private final double[] quality;
    private final double[] cost;
    private final String catalogJson;
    private transient volatile OutcomeTable table;
    private transient volatile ModelCatalog catalog;

    private OutcomeSnapshot(String[] queryIds, String[] tasks, String[] prompts, String[] splits, String[] models,
                            double[] quality, double[] cost, String catalogJson) {
        this.queryIds = queryIds;
        this.tasks = tasks;
        this.prompts = prompts;
        this.splits = splits;
        this.models = models;
        this.quality = quality;
        this.cost = cost;
        this.catalogJson = catalogJson;
    }

    static OutcomeSnapshot of(OutcomeTable table, ModelCatalog catalog) {
        int n = table.numQueries();
        int k = table.numModels();
        String[] ids = new String[n];
        String[] tasks = new String[n];
        String[] prompts = new String[n];
        String[] splits = new String[n];
        double[] q = new double[n * k];
        double[] c = new double[n * k];
        for (int i = 0; i < n; i++) {
            QueryRecord r = table.query(i);
            ids[i] = r.id();
            tasks[i] = r.task();
            prompts[i] = r.prompt();
            splits[i] = r.split();
            for (int m = 0; m < k; m++) {
                q[i * k + m] = table.quality(i, m);
                c[i * k + m] = table.cost(i, m);
            }
        }
        return new OutcomeSnapshot(ids, tasks, prompts, splits, table.models().toArray(new String[0]), q, c, catalog.toJson());
    }

    /** The table, rebuilt on first use in this JVM. */
    OutcomeTable table() {
        OutcomeTable t = table;
        if (t == null) {
            synchronized (this) {
                if (table == null) table = rebuild();
                t = table;
            }
        }
        return t;
    }

    ModelCatalog catalog() {
        ModelCatalog c = catalog;
        if (c == null) {
            synchronized (this) {
                if (catalog == null) catalog = ModelCatalog.fromJson(catalogJson, "broadcast catalog");
                c = catalog;
            }
        }
        return c;
    }

    private OutcomeTable rebuild() {
        OutcomeTable.Builder b = OutcomeTable.builder(java.util.List.of(models));
        int k = models.length;
        for (int i = 0; i < queryIds.length; i++) {
            b.addQuery(new QueryRecord(queryIds[i], tasks[i], prompts[i], splits[i]));
            for (int m = 0; m < k; m++) {
                if (!Double.isNaN(quality[i * k + m])) b.set(queryIds[i], models[m], quality[i * k + m], cost[i * k + m]);
            }
        }
        return b.build();
    }
}
