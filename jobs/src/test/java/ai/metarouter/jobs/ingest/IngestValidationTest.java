package ai.metarouter.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.jobs.cli.MetaRouterCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nightly flow's validation of an ingested day: quarantined share and events of the day. */
class IngestValidationTest {
    /** 100 lines: 96 accepted (90 on 2025-03-01, 6 late ones on 2025-02-28), 4 quarantined. */
    private static IngestReport report() {
        return new IngestReport("in", List.of(new IngestReport.FileCounts("events-a.jsonl", 100, 96, 4)), List.of(), 100, 96, 4,
                Map.of("malformed_json", 3L, "empty_line", 1L), Map.of("route", 96L), Map.of("2025-03-01", 90L, "2025-02-28", 6L));
    }

    @Test
    void limitsAtTheReportsValuesPass() {
        IngestValidation atLimit = new IngestValidation(0.04, 90, "2025-03-01");
        assertTrue(atLimit.active());
        assertEquals(List.of(), atLimit.problems(report()));
        assertEquals(List.of(), new IngestValidation(null, 96, null).problems(report()), "without dt every accepted event counts");
        IngestValidation none = new IngestValidation(null, 0, null);
        assertFalse(none.active());
        assertEquals(List.of(), none.problems(report()));
    }

    @Test
    void tooManyQuarantinedLinesOrTooFewEventsOfTheDayFail() {
        List<String> share = new IngestValidation(0.03, 0, null).problems(report());
        assertEquals(1, share.size());
        assertTrue(share.get(0).startsWith("4 of 100 lines quarantined (4.00% > 3.00%)"), share.get(0));
        assertTrue(share.get(0).contains("malformed_json=3"), share.get(0));

        List<String> events = new IngestValidation(null, 91, "2025-03-01").problems(report());
        assertEquals(List.of("90 events accepted for dt=2025-03-01, fewer than the required 91"), events);
        assertEquals(2, new IngestValidation(0.0, 1, "2025-03-02").problems(report()).size(), "a day with no events and any quarantine");
    }

    @Test
    void badValidationFlagsAreUsageErrorsBeforeAnyWork() {
        for (String[] flags : List.of(new String[] {"--max-quarantined-share", "1.5"}, new String[] {"--min-events", "-1"},
                new String[] {"--dt", "2025-13-01"})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = new String[] {"ingest", "--input", "no-such-dir", "--output", "no-such-out", flags[0], flags[1]};
            int code = MetaRouterCli.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(flags[0]), err.toString(StandardCharsets.UTF_8));
        }
    }
}
