package ai.metarouter.jobs.importers;

import java.util.Locale;

/** What an import does with {@link ProblemKind.Category#INVALID} values (flag {@code --on-invalid}). */
public enum InvalidValuePolicy {
    /** Stop with a one-line error naming the first such file, row and column; write nothing. */
    FAIL,
    /** Quarantine the rows with the reason and carry on. */
    QUARANTINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InvalidValuePolicy fromWire(String s) {
        for (InvalidValuePolicy p : values()) if (p.wireName().equals(s)) return p;
        throw new IllegalArgumentException("unknown invalid-value policy '" + s + "' (expected fail or quarantine)");
    }
}
