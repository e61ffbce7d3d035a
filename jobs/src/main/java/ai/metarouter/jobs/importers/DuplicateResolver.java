package ai.metarouter.jobs.importers;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Decides every row of one {@code sample_id} group (rows that share an id, from any file):
 * <ul>
 *   <li>a row with problems of its own is quarantined under the first of them;</li>
 *   <li>rows that disagree in any compared column (task, prompt, any score, any cost; an empty cell
 *       disagrees with a value) are all quarantined as {@code duplicate_id_conflict}, naming the
 *       columns: nobody can tell which one is right;</li>
 *   <li>rows that agree are imported once: the others in the same split are {@code MERGED}; when the
 *       id occurs in both splits the test occurrence is kept and the train ones are quarantined as
 *       {@code cross_split_duplicate}, so no test query leaks into training.</li>
 * </ul>
 * The pandas index column, model responses and the oracle column are not compared: they are not
 * imported. Rows are ordered by (file, row) first, so decisions do not depend on read order.
 */
public final class DuplicateResolver implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Comparator<SourceRow> SOURCE_ORDER =
            Comparator.comparing(SourceRow::file).thenComparingLong(SourceRow::row);

    private final List<String> models;

    /** @param models model ids in the order of {@link SourceRow#quality()}, to name differing columns */
    public DuplicateResolver(List<String> models) {
        this.models = List.copyOf(models);
    }

    /** The decisions for all rows sharing one id (or a single row), in source order. */
    public List<Decision> resolve(List<SourceRow> group) {
        List<SourceRow> rows = new ArrayList<>(group);
        rows.sort(SOURCE_ORDER);
        if (rows.size() == 1) return List.of(alone(rows.get(0)));
        List<String> differing = differingColumns(rows);
        List<Decision> out = new ArrayList<>();
        if (!differing.isEmpty()) {
            for (SourceRow r : rows) out.add(conflict(r, rows, differing));
            return out;
        }
        SourceRow keeper = rows.stream().filter(r -> r.split().equals("test")).findFirst().orElse(rows.get(0));
        for (SourceRow r : rows) {
            if (r.hasProblems()) {
                out.add(quarantine(r, List.of(), describe(r.problems()) + "; identical rows at " + others(r, rows)));
            } else if (r == keeper) {
                out.add(new Decision(r, Decision.Status.ACCEPTED, null, "kept; identical rows merged or moved: "
                        + others(r, rows), List.of()));
            } else if (r.split().equals(keeper.split())) {
                out.add(new Decision(r, Decision.Status.MERGED, null, "identical to " + keeper.location(), List.of()));
            } else {
                out.add(quarantine(r, List.of(ProblemKind.CROSS_SPLIT_DUPLICATE), "cross_split_duplicate: sample_id "
                        + r.sampleId() + " is also in the test split at " + keeper.location()
                        + "; kept there and left out of train so no test query leaks into training"));
            }
        }
        return out;
    }

    /**
     * The compared columns in which the rows of a group differ, in column order: {@code eval_name},
     * {@code prompt}, then each model's score and {@code |total_cost}. Empty when they all agree.
     */
    public List<String> differingColumns(List<SourceRow> rows) {
        List<String> differing = new ArrayList<>();
        if (!allEqual(rows, SourceRow::task)) differing.add(RouterBenchHeader.TASK);
        if (!allEqual(rows, SourceRow::prompt)) differing.add(RouterBenchHeader.PROMPT);
        for (int m = 0; m < models.size(); m++) {
            int model = m;
            // Double.equals compares bits, so two empty (NaN) cells agree and 0.0 vs 1.0 does not.
            if (!allEqual(rows, r -> r.quality().get(model))) differing.add(models.get(m));
        }
        for (int m = 0; m < models.size(); m++) {
            int model = m;
            if (!allEqual(rows, r -> r.cost().get(model))) differing.add(models.get(m) + RouterBenchHeader.COST_SUFFIX);
        }
        return differing;
    }

    private Decision alone(SourceRow r) {
        if (!r.hasProblems()) return new Decision(r, Decision.Status.ACCEPTED, null, "", List.of());
        return quarantine(r, List.of(), describe(r.problems()));
    }

    private Decision conflict(SourceRow r, List<SourceRow> rows, List<String> differing) {
        String own = r.hasProblems() ? describe(r.problems()) + "; " : "";
        return quarantine(r, List.of(ProblemKind.DUPLICATE_ID_CONFLICT), own + "duplicate_id_conflict: sample_id "
                + r.sampleId() + " also at " + others(r, rows) + "; columns differ: " + String.join(", ", differing));
    }

    /** Quarantines {@code r} under the first (by precedence) of its own and the group's problems. */
    private static Decision quarantine(SourceRow r, List<ProblemKind> groupProblems, String detail) {
        List<ProblemKind> kinds = new ArrayList<>();
        for (Problem p : r.problems()) if (!kinds.contains(p.kind())) kinds.add(p.kind());
        for (ProblemKind k : groupProblems) if (!kinds.contains(k)) kinds.add(k);
        ProblemKind reason = kinds.stream().min(Comparator.naturalOrder()).orElseThrow();
        return new Decision(r, Decision.Status.QUARANTINED, reason, detail, kinds);
    }

    static String describe(List<Problem> problems) {
        return problems.stream().map(Problem::describe).collect(Collectors.joining("; "));
    }

    private static String others(SourceRow self, List<SourceRow> rows) {
        return rows.stream().filter(r -> r != self).map(SourceRow::location).collect(Collectors.joining(", "));
    }

    private static <T> boolean allEqual(List<SourceRow> rows, java.util.function.Function<SourceRow, T> field) {
        T first = field.apply(rows.get(0));
        return rows.stream().allMatch(r -> Objects.equals(first, field.apply(r)));
    }
}
