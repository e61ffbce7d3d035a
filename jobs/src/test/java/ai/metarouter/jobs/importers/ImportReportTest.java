package ai.metarouter.jobs.importers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A report that does not add up cannot be built. */
class ImportReportTest {
    private static ImportReport report(long in, long accepted, long quarantined, Map<String, Long> byReason,
                                       long queries, long merged, long outcomeRows, long fileIn) {
        return new ImportReport("in", List.of("a", "b"), "fail", in, accepted, quarantined, byReason, Map.of(), queries,
                merged, outcomeRows, List.of(new ImportReport.FileCounts("f_train.csv", "train", fileIn, accepted, quarantined)),
                List.of(), List.of());
    }

    @Test
    void aReconcilingReportIsBuiltAndSerialised() {
        String json = report(5, 4, 1, Map.of("empty_score", 1L), 3, 1, 6, 5).toJson();
        assertTrue(json.contains("\"rows_in\" : 5") && json.contains("\"quarantined_by_reason\""), json);
    }

    @Test
    void everyImbalanceIsRefused() {
        assertThrows(IllegalStateException.class, () -> report(6, 4, 1, Map.of("empty_score", 1L), 3, 1, 6, 6));
        assertThrows(IllegalStateException.class, () -> report(5, 4, 1, Map.of("empty_score", 2L), 3, 1, 6, 5));
        assertThrows(IllegalStateException.class, () -> report(5, 4, 1, Map.of("empty_score", 1L), 4, 1, 8, 5));
        assertThrows(IllegalStateException.class, () -> report(5, 4, 1, Map.of("empty_score", 1L), 3, 1, 7, 5));
        assertThrows(IllegalStateException.class, () -> report(5, 4, 1, Map.of("empty_score", 1L), 3, 1, 6, 4));
    }
}
