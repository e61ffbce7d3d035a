package ai.metarouter.core.data;

/**
 * One query of an outcome table.
 *
 * @param id query id (unique within a table)
 * @param task task family, e.g. {@code mbpp}
 * @param prompt the query text
 * @param split {@code train} or {@code test}
 */
public record QueryRecord(String id, String task, String prompt, String split) {
    public QueryRecord {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("query id is missing");
        if (task == null) throw new IllegalArgumentException("query " + id + ": task is missing");
        if (prompt == null) throw new IllegalArgumentException("query " + id + ": prompt is missing");
        if (split == null) throw new IllegalArgumentException("query " + id + ": split is missing");
    }
}
