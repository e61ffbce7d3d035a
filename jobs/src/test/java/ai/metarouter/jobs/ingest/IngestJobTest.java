package ai.metarouter.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.serve.log.EventLogConfig;
import ai.metarouter.core.serve.log.InteractionEventJson;
import ai.metarouter.core.serve.log.LogFileNames;
import ai.metarouter.core.serve.log.RotatingEventLog;
import ai.metarouter.jobs.cli.MetaRouterCli;
import ai.metarouter.jobs.io.InteractionEventRows;
import ai.metarouter.jobs.io.InteractionLogs;
import ai.metarouter.jobs.io.LocalSpark;
import ai.metarouter.jobs.io.SafeOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest round trip on real serve output: events written by core's {@link RotatingEventLog} (the
 * writer {@code serve} uses), plus the damage logs meet in practice (a line that is not JSON, one
 * with a wrong type, a dt that disagrees with ts, an over-long line, bytes that are not UTF-8, an
 * empty line, a batch rewritten after a disk error, a torn last line, a file still being written),
 * come out as dt= Parquet that reads back equal to what was logged, a quarantine with every bad
 * line and its reason, and a report whose counts reconcile.
 */
class IngestJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(IngestJobTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** 30 events over two UTC days, of all three types. */
    private static List<InteractionEvent> events() {
        List<InteractionEvent> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long ts = at("2025-03-01T23:59:50Z") + i * 1000L;
            String id = "srv-" + i;
            out.add(switch (i % 3) {
                case 0 -> InteractionEvent.route(id, "u" + i % 4, ts, null, "query " + i, null, List.of("a", "b", "c"), "b", 0.4,
                        null, null, null, "metarouter", 2);
                case 1 -> InteractionEvent.preference(id, "u" + i % 4, ts, null, "query " + i, null, new Outcome("a", 0.9, 0.01),
                        new Outcome("c", 0.4, 0.0005), i % 2 == 0, null, 2);
                default -> InteractionEvent.reward(id, "u" + i % 4, ts, null, "query " + i, null, new Outcome("c", 0.7, 0.001), 0.55,
                        null, 2);
            });
        }
        return out;
    }

    @Test
    void validEventsBecomeDtPartitionsAndBadLinesAreQuarantinedWithReasons() throws Exception {
        Path logs = tmp.resolve("serve-logs");
        List<InteractionEvent> events = events();
        try (RotatingEventLog log = RotatingEventLog.open(logs, EventLogConfig.defaults().withMaxFileBytes(4096), "srv",
                Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream(), true))) {
            for (InteractionEvent e : events) log.append(e);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(logs)) {
            files = s.filter(p -> LogFileNames.isComplete(p.getFileName().toString())).sorted().toList();
        }
        assertTrue(files.size() >= 2, "the writer rotated: " + files);
        String good = InteractionEventJson.toLine(events.get(0)).strip();
        Path damaged = files.get(files.size() - 1);
        Files.writeString(damaged, String.join("\n",
                "{\"event_id\": oops",
                good.replace("\"srv-0\"", "\"bad-type\"").replace("\"propensity\":0.4", "\"propensity\":\"0.4\""),
                good.replace("\"srv-0\"", "\"bad-dt\"").replace("\"dt\":\"2025-03-01\"", "\"dt\":\"2025-03-09\""),
                good.replace("\"srv-0\"", "\"too-long\"").replace("query 0", "q".repeat(3000)),
                "",
                InteractionEventJson.toLine(events.get(4)).strip(),
                "") + "\n", StandardOpenOption.APPEND);
        Files.write(damaged, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'}, StandardOpenOption.APPEND);
        Path torn = logs.resolve(LogFileNames.completed(LogFileNames.inProgress(Instant.parse("2025-03-02T01:00:00Z"), "dead", 0)));
        Files.writeString(torn, InteractionEventJson.toLine(events.get(29)).replace("srv-29", "late-1") + good.substring(0, 40));
        Files.writeString(logs.resolve(LogFileNames.inProgress(Instant.now(), "live", 7)), good + "\n");

        IngestJob.Options options = new IngestJob.Options(logs.toString(), tmp.resolve("out").toString(), false, 2048, 100);
        IngestReport report = IngestJob.run(spark, options, line -> { });

        // Accepted: every served event once (events[4] was repeated) and the torn file's complete line.
        long served = events.size();
        assertEquals(served + 1, report.eventsAccepted());
        assertEquals(1, report.inProgressFiles().size(), "the live file is left for the next run");
        assertEquals(served + 1 + 9, report.linesIn(), report.toJson());
        assertEquals(9, report.linesQuarantined());
        assertEquals(java.util.Map.of("malformed_json", 1L, "wrong_type", 1L, "dt_mismatch", 1L, "line_too_long", 1L, "empty_line", 2L,
                "duplicate_event_id", 1L, "invalid_utf8", 1L, "torn_last_line", 1L), report.quarantinedByReason());
        assertEquals(java.util.Map.of("2025-03-01", 10L, "2025-03-02", 21L), report.eventsByDt());

        List<InteractionEvent> back = new ArrayList<>();
        for (Row r : InteractionLogs.read(spark, options.output()).collectAsList()) back.add(InteractionEventRows.fromRow(r));
        back.sort(Comparator.comparing(InteractionEvent::eventId));
        List<InteractionEvent> expected = new ArrayList<>(events);
        expected.add(InteractionEventJson.parse(InteractionEventJson.toLine(events.get(29)).replace("srv-29", "late-1").strip()));
        expected.sort(Comparator.comparing(InteractionEvent::eventId));
        assertEquals(expected, back, "the Parquet log holds exactly the served events");

        List<JsonNode> quarantine = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(options.output(), IngestJob.QUARANTINE_DIR))) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(p)) quarantine.add(JSON.readTree(line));
            }
        }
        assertEquals(9, quarantine.size());
        JsonNode wrongType = quarantine.stream().filter(q -> q.get("reason_code").asText().equals("wrong_type")).findFirst().orElseThrow();
        assertEquals(damaged.getFileName().toString(), wrongType.get("source_file").asText());
        assertTrue(wrongType.get("reason").asText().contains("field 'propensity' must be a number"), wrongType.toString());
        assertTrue(wrongType.get("raw").asText().startsWith("{\"event_id\":\"bad-type\""), wrongType.toString());
        JsonNode dup = quarantine.stream().filter(q -> q.get("reason_code").asText().equals("duplicate_event_id")).findFirst().orElseThrow();
        assertTrue(dup.get("reason").asText().contains("duplicate event_id srv-4 (kept the one at "), dup.toString());
        JsonNode longLine = quarantine.stream().filter(q -> q.get("reason_code").asText().equals("line_too_long")).findFirst().orElseThrow();
        assertEquals(100, longLine.get("raw").asText().length(), "quarantined text is bounded");

        JsonNode json = JSON.readTree(Files.readString(Path.of(options.output(), IngestJob.REPORT_FILE)));
        assertEquals(report.linesIn(), json.get("lines_in").asLong());
        assertEquals(json.get("lines_in").asLong(), json.get("events_accepted").asLong() + json.get("lines_quarantined").asLong());

        assertThrows(SafeOutput.OutputExistsException.class, () -> IngestJob.run(spark, options, line -> { }),
                "an existing output is not overwritten without --overwrite");
        assertEquals(report.linesIn(), IngestJob.run(spark, new IngestJob.Options(options.input(), options.output(), true, 2048, 100),
                line -> { }).linesIn());
    }

    @Test
    void aDirectoryWithoutCompleteLogFilesIsAOneLineFailure() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("nothing"));
        Files.writeString(empty.resolve("notes.txt"), "not a log");
        IngestJob.IngestException e = assertThrows(IngestJob.IngestException.class, () -> IngestJob.run(spark,
                new IngestJob.Options(empty.toString(), tmp.resolve("o").toString(), false, 1024, 10), line -> { }));
        assertTrue(e.getMessage().contains("has no complete log files"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void theCommandIsRegisteredAndChecksItsFlags() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MetaRouterCli.run(new String[] {"ingest", "--output", tmp.resolve("o").toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing --input"), err.toString(StandardCharsets.UTF_8));
    }
}
