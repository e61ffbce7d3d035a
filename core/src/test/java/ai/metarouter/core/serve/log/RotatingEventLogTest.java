package ai.metarouter.core.serve.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.InteractionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingEventLogTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true);

    @TempDir
    Path dir;

    private static InteractionEvent event(int i) {
        return InteractionEvent.route("ev-" + i, "u" + (i % 7), 1_735_776_000_000L + i, null, "query number " + i, null,
                List.of("a", "b", "c"), "c", 0.5, null, null, null, "metarouter", 1);
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void rotatesBySizeAndKeepsEveryEventInOrder() throws Exception {
        EventLogConfig config = EventLogConfig.defaults().withMaxFileBytes(4096);
        try (RotatingEventLog log = RotatingEventLog.open(dir, config, "test-1", Clock.systemUTC(), QUIET)) {
            for (int i = 0; i < 300; i++) log.append(event(i));
        }
        List<Path> complete = files(".jsonl");
        assertTrue(complete.size() > 5, "rotated into several files: " + complete.size());
        assertEquals(List.of(), files(".inprogress"), "close completes the current file");
        List<String> ids = new ArrayList<>();
        for (Path f : complete) {
            assertTrue(Files.size(f) < 4096 + 1024, "a file stops growing once past the size bound: " + Files.size(f));
            for (String line : Files.readAllLines(f)) ids.add(InteractionEventJson.parse(line).eventId());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) expected.add("ev-" + i);
        assertEquals(expected, ids, "every event once, in order, across files in name order");
    }

    @Test
    void aDurableAppendIsOnDiskWhenItsFutureCompletes() throws Exception {
        try (RotatingEventLog log = RotatingEventLog.open(dir, EventLogConfig.defaults(), "test-2", Clock.systemUTC(), QUIET)) {
            log.appendDurable(event(1)).get(5, TimeUnit.SECONDS);
            List<Path> open = files(".inprogress");
            assertEquals(1, open.size());
            assertTrue(Files.readString(open.get(0)).contains("\"event_id\":\"ev-1\""));
            assertEquals(List.of(), files(".jsonl"), "an open file is not offered to ingest");
        }
    }

    @Test
    void completesOldFilesByAgeAndLeftoversOfADeadProcessOnOpen() throws Exception {
        Path leftover = dir.resolve(LogFileNames.inProgress(Instant.EPOCH, "dead-1", 0));
        Files.writeString(leftover, InteractionEventJson.toLine(event(0)) + "{\"event_id\":\"torn");
        MutableClock clock = new MutableClock(Instant.parse("2025-01-02T00:00:00Z"));
        EventLogConfig config = EventLogConfig.defaults().withMaxFileAge(Duration.ofMinutes(10));
        try (RotatingEventLog log = RotatingEventLog.open(dir, config, "test-3", clock, QUIET)) {
            assertEquals(1, files(".jsonl").size(), "the dead process's file was completed");
            log.appendDurable(event(1)).get(5, TimeUnit.SECONDS);
            clock.advance(Duration.ofMinutes(11));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (files(".jsonl").size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(2, files(".jsonl").size(), "an idle file older than max-file-age is completed");
            assertThrows(IOException.class, () -> RotatingEventLog.open(dir, config, "test-4", clock, QUIET),
                    "a second server cannot use the same directory");
        }
        assertThrows(EventLogUnavailableException.class, () -> {
            RotatingEventLog log = RotatingEventLog.open(dir, EventLogConfig.defaults(), "test-5", Clock.systemUTC(), QUIET);
            log.close();
            log.append(event(2));
        });
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
