package ai.metarouter.core.serve.log;

/**
 * A log line that is not a valid interaction event: a short {@link #code()} to count rejections
 * by (ingest's report) and a message that says exactly what is wrong (its quarantine).
 */
public final class InvalidEventLineException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Not JSON, or not one JSON object. */
    public static final String MALFORMED_JSON = "malformed_json";
    /** A key the schema does not have. */
    public static final String UNKNOWN_FIELD = "unknown_field";
    /** A required key missing or null. */
    public static final String MISSING_FIELD = "missing_field";
    /** A value of the wrong JSON type. */
    public static final String WRONG_TYPE = "wrong_type";
    /** {@code ts} not an ISO-8601 instant, or finer than milliseconds. */
    public static final String BAD_TIMESTAMP = "bad_timestamp";
    /** {@code dt} is not the UTC date of {@code ts}. */
    public static final String DT_MISMATCH = "dt_mismatch";
    /** {@code event_type} not route, preference or reward. */
    public static final String UNKNOWN_EVENT_TYPE = "unknown_event_type";
    /** A column that belongs to another event type is set. */
    public static final String FOREIGN_COLUMN = "foreign_column";
    /** Values the event's type forbids (propensity out of range, chosen model not a candidate, ...). */
    public static final String INVALID_VALUE = "invalid_value";

    private final String code;

    public InvalidEventLineException(String code, String reason) {
        super(reason);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
