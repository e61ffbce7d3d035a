package ai.metarouter.jobs.importers;

/**
 * What can be wrong with one source row; {@link #code()} is the {@code reason} written to the
 * quarantine and counted in the report. Declaration order is precedence: a row with several
 * problems is quarantined under the first of them (every problem is still listed in its detail and
 * counted in {@code problems_by_kind}).
 *
 * <p>{@link Category#MISSING} problems are the documented dirt of RouterBench (a model that was not
 * evaluated leaves an empty cell) and are always quarantined. {@link Category#INVALID} problems mean
 * the file is not what it claims to be; by default they stop the import with a one-line error
 * ({@link InvalidValuePolicy#FAIL}), or are quarantined with {@code --on-invalid quarantine}.
 * {@link Category#DUPLICATE} problems come from comparing rows that share a {@code sample_id}.
 */
public enum ProblemKind {
    MALFORMED_ROW("malformed_row", Category.INVALID),
    MISSING_SAMPLE_ID("missing_sample_id", Category.MISSING),
    MISSING_TASK("missing_task", Category.MISSING),
    MISSING_PROMPT("missing_prompt", Category.MISSING),
    UNPARSEABLE_PROMPT("unparseable_prompt", Category.INVALID),
    NON_NUMERIC_SCORE("non_numeric_score", Category.INVALID),
    NAN_SCORE("nan_score", Category.INVALID),
    SCORE_OUT_OF_RANGE("score_out_of_range", Category.INVALID),
    NON_NUMERIC_COST("non_numeric_cost", Category.INVALID),
    NAN_COST("nan_cost", Category.INVALID),
    NEGATIVE_COST("negative_cost", Category.INVALID),
    INFINITE_COST("infinite_cost", Category.INVALID),
    EMPTY_SCORE("empty_score", Category.MISSING),
    EMPTY_COST("empty_cost", Category.MISSING),
    DUPLICATE_ID_CONFLICT("duplicate_id_conflict", Category.DUPLICATE),
    CROSS_SPLIT_DUPLICATE("cross_split_duplicate", Category.DUPLICATE);

    /** How a kind of problem is handled; see the class comment. */
    public enum Category { MISSING, INVALID, DUPLICATE }

    private final String code;
    private final Category category;

    ProblemKind(String code, Category category) {
        this.code = code;
        this.category = category;
    }

    public String code() {
        return code;
    }

    public Category category() {
        return category;
    }

    public static ProblemKind fromCode(String code) {
        for (ProblemKind k : values()) if (k.code.equals(code)) return k;
        throw new IllegalArgumentException("unknown problem kind: " + code);
    }
}
