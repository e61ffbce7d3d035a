package ai.metarouter.jobs.importers;

/**
 * One problem of one source row.
 *
 * @param kind what is wrong
 * @param column the column it is in (null when it concerns the whole row)
 * @param value the offending raw value, shortened for messages (null when there is none)
 */
public record Problem(ProblemKind kind, String column, String value) {
    private static final int MAX_VALUE_CHARS = 60;

    public Problem {
        if (kind == null) throw new IllegalArgumentException("problem kind is null");
        if (value != null && value.length() > MAX_VALUE_CHARS) value = value.substring(0, MAX_VALUE_CHARS) + "...";
    }

    /** E.g. {@code non_numeric_score in column 'claude-v1': 'abc'}. */
    public String describe() {
        StringBuilder s = new StringBuilder(kind.code());
        if (column != null) s.append(" in column '").append(column).append('\'');
        if (value != null) s.append(": '").append(value.replace("\n", "\\n")).append('\'');
        return s.toString();
    }
}
