package ai.metarouter.jobs.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Header and row parsing of RouterBench's wide format, one field at a time. */
class RowParserTest {
    private static final String[] HEADER = {"", "sample_id", "prompt", "eval_name", "m1", "m2",
        "m2|model_response", "m1|model_response", "m1|total_cost", "m2|total_cost", "oracle_model_to_route_to"};
    private static final RouterBenchHeader H = RouterBenchHeader.parse("x_train.csv", HEADER);
    private static final InputFile FILE = new InputFile("file:/tmp/x_train.csv", "x_train.csv", "train");

    private static SourceRow parse(String... fields) {
        return RowParser.parse(FILE, H, 7, 9, fields);
    }

    private static List<ProblemKind> kinds(SourceRow r) {
        return r.problems().stream().map(Problem::kind).toList();
    }

    @Test
    void headerGivesModelsScoreAndCostColumns() {
        assertEquals(List.of("m1", "m2"), H.models());
        assertEquals(List.of(4, 5), H.scoreColumns());
        assertEquals(List.of(8, 9), H.costColumns());
        assertEquals(11, H.width());
    }

    @Test
    void aGoodRow() {
        SourceRow r = parse("3", " id-1 ", "['hello\\nworld']", "mbpp", "1.0", "0", "r2", "r1", "1e-4", "0.002", "m1");
        assertEquals(List.of(), r.problems());
        assertEquals("id-1", r.sampleId());
        assertEquals("hello\nworld", r.prompt());
        assertEquals(List.of(1.0, 0.0), r.quality());
        assertEquals(List.of(1e-4, 0.002), r.cost());
        assertEquals("x_train.csv row 7 (line 9)", r.location());
    }

    @Test
    void multiElementPromptsAreJoinedAndPlainTextIsKept() {
        assertEquals("a\nb", parse("0", "i", "['a', 'b']", "t", "1", "1", "", "", "0", "0", "").prompt());
        assertEquals("plain text", parse("0", "i", "plain text", "t", "1", "1", "", "", "0", "0", "").prompt());
    }

    @Test
    void everyProblemOfARowIsRecordedWithItsColumn() {
        SourceRow r = parse("0", "", "['p'", "", "abc", "1.5", "", "", "-1", "NaN", "");
        assertEquals(List.of(ProblemKind.MISSING_SAMPLE_ID, ProblemKind.MISSING_TASK, ProblemKind.UNPARSEABLE_PROMPT,
                ProblemKind.NON_NUMERIC_SCORE, ProblemKind.NEGATIVE_COST, ProblemKind.SCORE_OUT_OF_RANGE,
                ProblemKind.NAN_COST), kinds(r));
        assertEquals("m1", r.problems().get(3).column());
        assertEquals("m2|total_cost", r.problems().get(6).column());
        assertTrue(Double.isNaN(r.quality().get(0)) && Double.isNaN(r.cost().get(1)));
        assertNull(r.sampleId());
    }

    @Test
    void emptyCellsAreMissingNotInvalid() {
        SourceRow r = parse("0", "i", "['p']", "t", "", "1", "", "", "0.1", " ", "");
        assertEquals(List.of(ProblemKind.EMPTY_SCORE, ProblemKind.EMPTY_COST), kinds(r));
        assertEquals(ProblemKind.Category.MISSING, ProblemKind.EMPTY_SCORE.category());
    }

    @Test
    void infinitiesAndNanLiterals() {
        assertEquals(List.of(ProblemKind.NAN_SCORE, ProblemKind.INFINITE_COST, ProblemKind.SCORE_OUT_OF_RANGE,
                ProblemKind.INFINITE_COST), kinds(parse("0", "i", "p", "t", "nan", "inf", "", "", "Infinity", "-inf", "")));
        assertNull(RowParser.number("1d"));
        assertNull(RowParser.number("0x10"));
        assertEquals(-0.5, RowParser.number("-.5"));
        assertEquals(1e-5, RowParser.number("1E-5"));
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsIsMalformedAndNothingElseIsTrusted() {
        SourceRow r = parse("0", "i", "p", "t", "1", "1");
        assertEquals(List.of(ProblemKind.MALFORMED_ROW), kinds(r));
        assertTrue(r.problems().get(0).value().contains("6 fields where the header has 11"));
        assertTrue(!r.hasUsableId(), "a malformed row is never grouped with others by its id");
    }

    @Test
    void headerErrorsNameTheFileAndColumn() {
        ImportException e = assertThrows(ImportException.class,
                () -> RouterBenchHeader.parse("f.csv", new String[] {"sample_id", "prompt", "m1", "m1|total_cost"}));
        assertEquals("f.csv: missing column 'eval_name' (is this a RouterBench CSV?)", e.getMessage());
        e = assertThrows(ImportException.class, () -> RouterBenchHeader.parse("f.csv",
                new String[] {"sample_id", "prompt", "eval_name", "m1", "m1|total_cost", "m2"}));
        assertTrue(e.getMessage().startsWith("f.csv: column 'm2' has no 'm2|total_cost'"), e.getMessage());
        e = assertThrows(ImportException.class, () -> RouterBenchHeader.parse("f.csv",
                new String[] {"sample_id", "prompt", "eval_name", "m1", "m1|total_cost", "m2|total_cost"}));
        assertEquals("f.csv: column 'm2|total_cost' has no score column 'm2'", e.getMessage());
        e = assertThrows(ImportException.class, () -> RouterBenchHeader.parse("f.csv",
                new String[] {"sample_id", "prompt", "eval_name", "m1", "m1|total_cost", "m1"}));
        assertEquals("f.csv: column 'm1' appears twice in the header", e.getMessage());
    }

    @Test
    void headersOfOtherFilesAreReorderedToTheFirstFilesModelOrder() {
        RouterBenchHeader other = RouterBenchHeader.parse("y_test.csv",
                new String[] {"sample_id", "prompt", "eval_name", "m2", "m1", "m2|total_cost", "m1|total_cost"});
        RouterBenchHeader reordered = other.inModelOrder(List.of("m1", "m2"), "file:/y_test.csv", "x_train.csv");
        assertEquals(List.of("m1", "m2"), reordered.models());
        assertEquals(List.of(4, 3), reordered.scoreColumns());
        assertEquals(List.of(6, 5), reordered.costColumns());
        ImportException e = assertThrows(ImportException.class,
                () -> other.inModelOrder(List.of("m1", "m3"), "file:/y_test.csv", "x_train.csv"));
        assertTrue(e.getMessage().contains("missing columns [m3], extra columns [m2]"), e.getMessage());
    }
}
