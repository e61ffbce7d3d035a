package ai.metarouter.jobs.importers;

import java.util.List;

/**
 * One data record of a RouterBench CSV after parsing: the fields the outcome table needs, parsed,
 * plus every problem found. A value that could not be used is NaN in {@link #quality()} or
 * {@link #cost()} and has a {@link Problem}.
 *
 * @param file source file name
 * @param row 1-based data record number in the file (the header is not counted)
 * @param line 1-based physical line where the record starts (prompts span many lines)
 * @param sampleId RouterBench {@code sample_id} (trimmed), null when missing
 * @param task {@code eval_name}, null when missing
 * @param prompt the prompt text (Python list elements joined by newlines), null when unusable
 * @param split {@code train} or {@code test}, from the file name
 * @param quality per model in catalog order, NaN where unusable
 * @param cost per model in catalog order, NaN where unusable
 * @param problems everything wrong with this row by itself, in column order
 */
public record SourceRow(String file, long row, long line, String sampleId, String task, String prompt, String split,
                        List<Double> quality, List<Double> cost, List<Problem> problems) {
    public SourceRow {
        quality = List.copyOf(quality);
        cost = List.copyOf(cost);
        problems = List.copyOf(problems);
    }

    /** Where this row is, for messages: {@code mbpp_train.csv row 12 (line 340)}. */
    public String location() {
        return file + " row " + row + " (line " + line + ")";
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Rows without an id (or too broken to trust it) are judged alone, never as duplicates. */
    public boolean hasUsableId() {
        return sampleId != null && problems.stream().noneMatch(p -> p.kind() == ProblemKind.MALFORMED_ROW
                || p.kind() == ProblemKind.MISSING_SAMPLE_ID);
    }
}
