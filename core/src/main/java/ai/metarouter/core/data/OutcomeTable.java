package ai.metarouter.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What each model did on each query: a dense query x model grid of quality and cost, in memory.
 * A cell nobody measured is NaN ({@link #has}). Immutable; row order is the order queries were
 * added, model order is the order given.
 */
public final class OutcomeTable {
    private final List<QueryRecord> queries;
    private final List<String> models;
    private final double[] quality;
    private final double[] cost;
    private final Map<String, Integer> queryIndex;
    private final Map<String, Integer> modelIndex;

    private OutcomeTable(List<QueryRecord> queries, List<String> models, double[] quality, double[] cost) {
        this.queries = List.copyOf(queries);
        this.models = List.copyOf(models);
        this.quality = quality;
        this.cost = cost;
        this.queryIndex = new HashMap<>();
        for (int i = 0; i < this.queries.size(); i++) {
            if (queryIndex.put(this.queries.get(i).id(), i) != null) {
                throw new IllegalArgumentException("duplicate query id: " + this.queries.get(i).id());
            }
        }
        this.modelIndex = new LinkedHashMap<>();
        for (int m = 0; m < this.models.size(); m++) {
            if (modelIndex.put(this.models.get(m), m) != null) throw new IllegalArgumentException("duplicate model: " + this.models.get(m));
        }
    }

    public static Builder builder(List<String> models) {
        return new Builder(models);
    }

    public int numQueries() {
        return queries.size();
    }

    public int numModels() {
        return models.size();
    }

    public List<QueryRecord> queries() {
        return queries;
    }

    public QueryRecord query(int i) {
        return queries.get(i);
    }

    public List<String> models() {
        return models;
    }

    public String model(int m) {
        return models.get(m);
    }

    /** Index of a model, or -1. */
    public int modelIndex(String id) {
        Integer m = modelIndex.get(id);
        return m == null ? -1 : m;
    }

    /** Index of a query, or -1. */
    public int queryIndex(String id) {
        Integer i = queryIndex.get(id);
        return i == null ? -1 : i;
    }

    public boolean has(int query, int model) {
        return !Double.isNaN(quality[query * models.size() + model]);
    }

    public double quality(int query, int model) {
        return quality[query * models.size() + model];
    }

    public double cost(int query, int model) {
        return cost[query * models.size() + model];
    }

    /** Mean observed cost of a model over the queries that have it (NaN if none). */
    public double meanCost(int model) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < queries.size(); i++) {
            if (has(i, model)) {
                sum += cost(i, model);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Whether every observed quality is exactly 0 or 1 (pass/fail benchmarks such as RouterBench). */
    public boolean binaryQuality() {
        boolean any = false;
        for (double q : quality) {
            if (Double.isNaN(q)) continue;
            if (q != 0.0 && q != 1.0) return false;
            any = true;
        }
        return any;
    }

    /** Mean observed quality of a model over the queries that have it (NaN if none). */
    public double meanQuality(int model) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < queries.size(); i++) {
            if (has(i, model)) {
                sum += quality(i, model);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The rows whose query passes {@code keep}, same models. */
    public OutcomeTable filterQueries(Predicate<QueryRecord> keep) {
        List<QueryRecord> kept = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            if (keep.test(queries.get(i))) {
                kept.add(queries.get(i));
                rows.add(i);
            }
        }
        int mCount = models.size();
        double[] q = new double[kept.size() * mCount];
        double[] c = new double[kept.size() * mCount];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(quality, rows.get(r) * mCount, q, r * mCount, mCount);
            System.arraycopy(cost, rows.get(r) * mCount, c, r * mCount, mCount);
        }
        return new OutcomeTable(kept, models, q, c);
    }

    /** The queries of one split ({@code train} or {@code test}). */
    public OutcomeTable split(String split) {
        return filterQueries(q -> q.split().equals(split));
    }

    /** The same queries restricted to {@code keepModels} (in that order); unknown ids are an error. */
    public OutcomeTable withModels(List<String> keepModels) {
        int[] src = new int[keepModels.size()];
        for (int k = 0; k < src.length; k++) {
            src[k] = modelIndex(keepModels.get(k));
            if (src[k] < 0) throw new IllegalArgumentException("unknown model: " + keepModels.get(k));
        }
        double[] q = new double[queries.size() * src.length];
        double[] c = new double[queries.size() * src.length];
        for (int i = 0; i < queries.size(); i++) {
            for (int k = 0; k < src.length; k++) {
                q[i * src.length + k] = quality(i, src[k]);
                c[i * src.length + k] = cost(i, src[k]);
            }
        }
        return new OutcomeTable(queries, keepModels, q, c);
    }

    /** Collects cells; a cell set twice is an error (the importer resolves duplicates before this). */
    public static final class Builder {
        private final List<String> models;
        private final Map<String, Integer> modelIndex = new HashMap<>();
        private final List<QueryRecord> queries = new ArrayList<>();
        private final Map<String, Integer> queryIndex = new HashMap<>();
        private final List<double[]> qualityRows = new ArrayList<>();
        private final List<double[]> costRows = new ArrayList<>();

        private Builder(List<String> models) {
            this.models = List.copyOf(models);
            for (int m = 0; m < this.models.size(); m++) modelIndex.put(this.models.get(m), m);
        }

        /** Adds a query (no-op if present with the same fields; an error if the fields differ). */
        public Builder addQuery(QueryRecord q) {
            Integer existing = queryIndex.get(q.id());
            if (existing != null) {
                if (!queries.get(existing).equals(q)) throw new IllegalArgumentException("query " + q.id() + " added twice with different fields");
                return this;
            }
            queryIndex.put(q.id(), queries.size());
            queries.add(q);
            double[] nanRow = new double[models.size()];
            Arrays.fill(nanRow, Double.NaN);
            qualityRows.add(nanRow);
            costRows.add(nanRow.clone());
            return this;
        }

        public Builder set(String queryId, String model, double quality, double costUsd) {
            Integer i = queryIndex.get(queryId);
            if (i == null) throw new IllegalArgumentException("unknown query " + queryId + " (add it first)");
            Integer m = modelIndex.get(model);
            if (m == null) throw new IllegalArgumentException("unknown model " + model);
            if (!(quality >= 0 && quality <= 1)) throw new IllegalArgumentException("query " + queryId + ", model " + model + ": quality must be in [0, 1]");
            if (!(costUsd >= 0) || Double.isInfinite(costUsd)) throw new IllegalArgumentException("query " + queryId + ", model " + model + ": cost must be finite and >= 0");
            if (!Double.isNaN(qualityRows.get(i)[m])) throw new IllegalArgumentException("query " + queryId + ", model " + model + " set twice");
            qualityRows.get(i)[m] = quality;
            costRows.get(i)[m] = costUsd;
            return this;
        }

        public OutcomeTable build() {
            int mCount = models.size();
            double[] q = new double[queries.size() * mCount];
            double[] c = new double[queries.size() * mCount];
            for (int i = 0; i < queries.size(); i++) {
                System.arraycopy(qualityRows.get(i), 0, q, i * mCount, mCount);
                System.arraycopy(costRows.get(i), 0, c, i * mCount, mCount);
            }
            return new OutcomeTable(queries, models, q, c);
        }
    }
}
