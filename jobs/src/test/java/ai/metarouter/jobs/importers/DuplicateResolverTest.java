package ai.metarouter.jobs.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every branch of the duplicate rules, on hand-built rows. */
class DuplicateResolverTest {
    private static final DuplicateResolver RESOLVER = new DuplicateResolver(List.of("a", "b"));

    private static SourceRow row(String file, long n, String split, double qa, double qb, List<Problem> problems) {
        return new SourceRow(file, n, n + 1, "id", "task", "prompt", split, List.of(qa, qb), List.of(0.1, 0.2), problems);
    }

    private static SourceRow row(String file, long n, String split, double qa) {
        return row(file, n, split, qa, 1.0, List.of());
    }

    private static List<Decision.Status> statuses(List<Decision> ds) {
        return ds.stream().map(Decision::status).toList();
    }

    @Test
    void aSingleGoodRowIsAccepted() {
        assertEquals(List.of(Decision.Status.ACCEPTED), statuses(RESOLVER.resolve(List.of(row("f_train.csv", 1, "train", 1.0)))));
    }

    @Test
    void aSingleRowWithProblemsIsQuarantinedUnderItsFirstProblem() {
        SourceRow r = row("f", 1, "train", Double.NaN, Double.NaN, List.of(new Problem(ProblemKind.EMPTY_SCORE, "a", null),
                new Problem(ProblemKind.NEGATIVE_COST, "b|total_cost", "-1")));
        Decision d = RESOLVER.resolve(List.of(r)).get(0);
        assertEquals(ProblemKind.NEGATIVE_COST, d.reason(), "precedence, not column order");
        assertEquals(List.of(ProblemKind.EMPTY_SCORE, ProblemKind.NEGATIVE_COST), d.problems());
        assertTrue(d.detail().contains("empty_score in column 'a'") && d.detail().contains("negative_cost"), d.detail());
    }

    @Test
    void identicalRowsInOneSplitAreMergedIntoTheFirst() {
        List<Decision> ds = RESOLVER.resolve(List.of(row("f", 9, "train", 1.0), row("f", 2, "train", 1.0)));
        assertEquals(List.of(Decision.Status.ACCEPTED, Decision.Status.MERGED), statuses(ds));
        assertEquals(2, ds.get(0).row().row(), "source order decides which is kept");
    }

    @Test
    void identicalRowsAcrossSplitsAreKeptInTestOnly() {
        List<Decision> ds = RESOLVER.resolve(List.of(row("a_train.csv", 1, "train", 1.0), row("b_test.csv", 5, "test", 1.0)));
        assertEquals("train", ds.get(0).row().split());
        assertEquals(ProblemKind.CROSS_SPLIT_DUPLICATE, ds.get(0).reason());
        assertTrue(ds.get(0).detail().contains("b_test.csv row 5"), ds.get(0).detail());
        assertEquals(Decision.Status.ACCEPTED, ds.get(1).status());
    }

    @Test
    void conflictingRowsAreAllQuarantinedNamingTheColumns() {
        List<Decision> ds = RESOLVER.resolve(List.of(row("f", 1, "train", 1.0), row("f", 2, "train", 0.0),
                row("g", 1, "test", 1.0)));
        assertEquals(3, ds.size());
        for (Decision d : ds) {
            assertEquals(ProblemKind.DUPLICATE_ID_CONFLICT, d.reason());
            assertTrue(d.detail().endsWith("columns differ: a"), d.detail());
        }
    }

    @Test
    void anEmptyCellConflictsWithAValueAndOwnProblemsTakePrecedence() {
        SourceRow empty = row("f", 2, "train", Double.NaN, 1.0, List.of(new Problem(ProblemKind.EMPTY_SCORE, "a", null)));
        List<Decision> ds = RESOLVER.resolve(List.of(row("f", 1, "train", 1.0), empty));
        assertEquals(ProblemKind.DUPLICATE_ID_CONFLICT, ds.get(0).reason());
        assertEquals(ProblemKind.EMPTY_SCORE, ds.get(1).reason());
        assertEquals(List.of(ProblemKind.EMPTY_SCORE, ProblemKind.DUPLICATE_ID_CONFLICT), ds.get(1).problems());
        assertEquals(List.of("a"), RESOLVER.differingColumns(List.of(row("f", 1, "train", 1.0), empty)));
    }

    @Test
    void identicalRowsWithTheSameProblemsAreAllQuarantined() {
        List<Problem> p = List.of(new Problem(ProblemKind.EMPTY_SCORE, "a", null));
        List<Decision> ds = RESOLVER.resolve(List.of(row("f", 1, "train", Double.NaN, 1.0, p),
                row("f", 2, "train", Double.NaN, 1.0, p)));
        assertEquals(List.of(Decision.Status.QUARANTINED, Decision.Status.QUARANTINED), statuses(ds));
        assertEquals(ProblemKind.EMPTY_SCORE, ds.get(1).reason());
    }
}
