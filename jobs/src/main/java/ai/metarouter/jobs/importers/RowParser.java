package ai.metarouter.jobs.importers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the fields of one CSV record into a {@link SourceRow}, recording every problem instead of
 * stopping at the first, so the quarantine can say everything that is wrong with a row.
 */
final class RowParser {
    /** A plain decimal number; Java's parseDouble also takes "NaN", "1d" or hex, which a CSV should not. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** Prompts stored as a Python list of several strings (multi-turn) are joined with this. */
    static final String PROMPT_JOINER = "\n";

    private RowParser() {}

    static SourceRow parse(InputFile file, RouterBenchHeader header, long row, long line, String[] fields) {
        List<Problem> problems = new ArrayList<>();
        int models = header.models().size();
        List<Double> quality = new ArrayList<>(Collections.nCopies(models, Double.NaN));
        List<Double> cost = new ArrayList<>(Collections.nCopies(models, Double.NaN));
        String sampleId = trimToNull(field(fields, header.sampleId()));
        if (fields.length != header.width()) {
            // Fields may be shifted; nothing else in the row can be trusted.
            problems.add(new Problem(ProblemKind.MALFORMED_ROW, null,
                    fields.length + " fields where the header has " + header.width()));
            return new SourceRow(file.name(), row, line, sampleId, null, null, file.split(), quality, cost, problems);
        }
        if (sampleId == null) problems.add(new Problem(ProblemKind.MISSING_SAMPLE_ID, RouterBenchHeader.SAMPLE_ID, null));
        String task = trimToNull(fields[header.task()]);
        if (task == null) problems.add(new Problem(ProblemKind.MISSING_TASK, RouterBenchHeader.TASK, null));
        String prompt = prompt(fields[header.prompt()], problems);
        for (int m = 0; m < models; m++) {
            String model = header.models().get(m);
            quality.set(m, score(model, fields[header.scoreColumns().get(m)], problems));
            cost.set(m, cost(model + RouterBenchHeader.COST_SUFFIX, fields[header.costColumns().get(m)], problems));
        }
        return new SourceRow(file.name(), row, line, sampleId, task, prompt, file.split(), quality, cost, problems);
    }

    private static String prompt(String raw, List<Problem> problems) {
        if (raw == null || raw.isBlank()) {
            problems.add(new Problem(ProblemKind.MISSING_PROMPT, RouterBenchHeader.PROMPT, null));
            return null;
        }
        if (!raw.strip().startsWith("[")) return raw; // a plain-text prompt is taken as written
        Optional<List<String>> parts = PythonListLiteral.parse(raw);
        if (parts.isEmpty()) {
            problems.add(new Problem(ProblemKind.UNPARSEABLE_PROMPT, RouterBenchHeader.PROMPT, raw));
            return null;
        }
        String text = String.join(PROMPT_JOINER, parts.get());
        if (text.isBlank()) {
            problems.add(new Problem(ProblemKind.MISSING_PROMPT, RouterBenchHeader.PROMPT, raw));
            return null;
        }
        return text;
    }

    private static double score(String column, String raw, List<Problem> problems) {
        String s = trimToNull(raw);
        if (s == null) return fail(problems, ProblemKind.EMPTY_SCORE, column, null);
        Double v = number(s);
        if (v == null) return fail(problems, ProblemKind.NON_NUMERIC_SCORE, column, s);
        if (v.isNaN()) return fail(problems, ProblemKind.NAN_SCORE, column, s);
        if (!(v >= 0 && v <= 1)) return fail(problems, ProblemKind.SCORE_OUT_OF_RANGE, column, s);
        return v;
    }

    private static double cost(String column, String raw, List<Problem> problems) {
        String s = trimToNull(raw);
        if (s == null) return fail(problems, ProblemKind.EMPTY_COST, column, null);
        Double v = number(s);
        if (v == null) return fail(problems, ProblemKind.NON_NUMERIC_COST, column, s);
        if (v.isNaN()) return fail(problems, ProblemKind.NAN_COST, column, s);
        if (v.isInfinite()) return fail(problems, ProblemKind.INFINITE_COST, column, s);
        if (v < 0) return fail(problems, ProblemKind.NEGATIVE_COST, column, s);
        return v;
    }

    /** The value of a decimal, NaN or infinity literal (as pandas writes them); null for anything else. */
    static Double number(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                return DECIMAL.matcher(s).matches() ? Double.parseDouble(s) : null;
            }
        }
    }

    private static double fail(List<Problem> problems, ProblemKind kind, String column, String value) {
        problems.add(new Problem(kind, column, value));
        return Double.NaN;
    }

    private static String field(String[] fields, int index) {
        return index < fields.length ? fields[index] : null;
    }

    private static String trimToNull(String s) {
        if (s == null) return null;
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }
}
