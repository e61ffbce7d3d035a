package ai.metarouter.jobs.ingest;

/**
 * Reason codes ingest adds to those of the line parser ({@code InvalidEventLineException}'s codes:
 * malformed_json, unknown_field, missing_field, wrong_type, bad_timestamp, dt_mismatch,
 * unknown_event_type, foreign_column, invalid_value).
 */
final class IngestReasons {
    /** A line over {@code metarouter.ingest.max-line-bytes}. */
    static final String LINE_TOO_LONG = "line_too_long";
    /** Bytes that are not UTF-8. */
    static final String INVALID_UTF8 = "invalid_utf8";
    /** An empty or blank line. */
    static final String EMPTY_LINE = "empty_line";
    /** The file's last line, without a newline, that does not parse: a write cut off by a crash. */
    static final String TORN_LAST_LINE = "torn_last_line";
    /** An event id already accepted from an earlier line (serve rewrote a batch after a disk error). */
    static final String DUPLICATE_EVENT_ID = "duplicate_event_id";

    private IngestReasons() {}
}
