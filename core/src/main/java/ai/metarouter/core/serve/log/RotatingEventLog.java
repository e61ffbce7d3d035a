package ai.metarouter.core.serve.log;

import ai.metarouter.core.data.InteractionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event log under {@code --log-dir}: request threads put events on a bounded queue; one writer
 * thread drains it in batches, appends the lines to the current file and group-commits them (one
 * fsync for every event of a batch). An event whose caller waits ({@link #appendDurable}, used for
 * feedback) is fsync'd before its future completes; other events (route decisions) within
 * {@link EventLogConfig#syncInterval()}. Files are completed (renamed to {@code .jsonl}) by size and
 * age, see {@link LogFileNames}.
 *
 * <p>Nothing is dropped: when the disk fails the writer keeps the batch, starts a new file and
 * retries with backoff while the queue fills; once it is full, {@link #append} waits up to the
 * enqueue timeout and then fails the request, so a decision is never served that could not be
 * queued for the log. A batch retried after a partial write may appear twice; {@code ingest}
 * removes repeated event ids.
 */
public final class RotatingEventLog implements EventLog {
    private static final int MAX_BATCH = 4096;
    private static final int FLUSH_BYTES = 1 << 20;
    private static final long MAX_BACKOFF_MILLIS = 5000;
    /** On close with a failing disk, give up after this many attempts rather than hang shutdown. */
    private static final int CLOSE_ATTEMPTS = 5;

    private record Entry(InteractionEvent event, CompletableFuture<Void> durable) {}

    private final Path dir;
    private final EventLogConfig config;
    private final String instance;
    private final Clock clock;
    private final PrintStream errors;
    private final DirectoryLock lock;
    private final ArrayBlockingQueue<Entry> queue;
    private final Thread writer;
    private final AtomicInteger appending = new AtomicInteger();
    private final LongAdder written = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private volatile boolean closed;
    private volatile boolean healthy = true;

    // Writer-thread state.
    private final LineBuffer buffer = new LineBuffer();
    private LogFile current;
    private long fileSeq;
    private long lastSyncNanos = System.nanoTime();

    private RotatingEventLog(Path dir, EventLogConfig config, String instance, Clock clock, PrintStream errors, DirectoryLock lock) {
        this.dir = dir;
        this.config = config;
        this.instance = instance;
        this.clock = clock;
        this.errors = errors;
        this.lock = lock;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.writer = new Thread(this::runWriter, "metarouter-event-log");
        this.writer.setDaemon(false);
    }

    /**
     * Opens (creating) the log directory, takes its lock, completes files a previous process left
     * in progress, and starts the writer.
     *
     * @param instance the process's instance id (part of file names, see {@link EventIds})
     */
    public static RotatingEventLog open(Path dir, EventLogConfig config, String instance, Clock clock, PrintStream errors)
            throws IOException {
        Files.createDirectories(dir);
        DirectoryLock lock = DirectoryLock.acquire(dir, LogFileNames.LOCK_FILE);
        try {
            recoverLeftovers(dir);
        } catch (IOException e) {
            lock.close();
            throw e;
        }
        RotatingEventLog log = new RotatingEventLog(dir, config, instance, clock, errors, lock);
        log.writer.start();
        return log;
    }

    /**
     * A file left {@code .inprogress} belongs to a process that died (the lock says none is alive):
     * its lines are complete up to the last newline, so it is completed as it is; a torn last line
     * is quarantined by ingest with its reason.
     */
    private static void recoverLeftovers(Path dir) throws IOException {
        boolean renamed = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (LogFileNames.isInProgress(name)) {
                    Files.move(p, dir.resolve(LogFileNames.completed(name)), StandardCopyOption.ATOMIC_MOVE);
                    renamed = true;
                }
            }
        }
        if (renamed) LogFile.syncDirectory(dir);
    }

    @Override
    public void append(InteractionEvent event) {
        enqueue(new Entry(event, null));
    }

    @Override
    public CompletableFuture<Void> appendDurable(InteractionEvent event) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        enqueue(new Entry(event, durable));
        return durable;
    }

    private void enqueue(Entry entry) {
        // The counter lets the writer tell "closed and nothing more can arrive" from a racing append.
        appending.incrementAndGet();
        try {
            if (closed) throw new EventLogUnavailableException("the event log is closed");
            boolean queued;
            try {
                queued = queue.offer(entry, config.enqueueTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventLogUnavailableException("interrupted while waiting for the event log");
            }
            if (!queued) {
                throw new EventLogUnavailableException("the event log queue is full (" + config.queueCapacity()
                        + " events) and did not drain within " + config.enqueueTimeout().toMillis() + " ms");
            }
        } finally {
            appending.decrementAndGet();
        }
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    /** Events queued and not yet written. */
    public int queueDepth() {
        return queue.size();
    }

    /** Events written (and synced or about to be) since open. */
    public long written() {
        return written.sum();
    }

    /** Failed write attempts since open. */
    public long writeFailures() {
        return writeFailures.sum();
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            lock.close();
        } catch (IOException e) {
            errors.println("metarouter serve: cannot release the log directory lock: " + e.getMessage());
        }
    }

    private void runWriter() {
        List<Entry> batch = new ArrayList<>(256);
        while (true) {
            Entry first;
            try {
                first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Only close() stops the writer; an interrupt is not a reason to lose events.
                continue;
            }
            if (first == null) {
                if (closed && appending.get() == 0 && queue.isEmpty()) break;
                housekeeping();
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            writeWithRetry(batch);
            batch.clear();
        }
        finish();
    }

    /** How long to wait for the next event: until a pending sync or the current file's rotation is due. */
    private long pollMillis() {
        long wait = 1000;
        if (current != null && current.unsynced()) {
            long sinceSync = (System.nanoTime() - lastSyncNanos) / 1_000_000;
            wait = Math.min(wait, Math.max(1, config.syncInterval().toMillis() - sinceSync));
        }
        if (current != null) {
            long age = Duration.between(current.opened(), clock.instant()).toMillis();
            wait = Math.min(wait, Math.max(1, config.maxFileAge().toMillis() - age));
        }
        return wait;
    }

    /** With no events arriving: sync what is written, complete an old file. */
    private void housekeeping() {
        if (current == null) return;
        try {
            if (current.unsynced()) sync();
            if (rotationDue()) rotate();
        } catch (IOException e) {
            failed(e);
            abandonCurrent();
        }
    }

    private void writeWithRetry(List<Entry> batch) {
        long backoff = 100;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                writeBatch(batch);
                healthy = true;
                return;
            } catch (IOException | RuntimeException e) {
                failed(e);
                abandonCurrent();
                if (closed && attempts >= CLOSE_ATTEMPTS) {
                    errors.println("metarouter serve: giving up on " + batch.size() + " events at shutdown: " + e.getMessage());
                    for (Entry en : batch) if (en.durable() != null) en.durable().completeExceptionally(e);
                    return;
                }
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    private void writeBatch(List<Entry> batch) throws IOException {
        buffer.reset();
        boolean waiters = false;
        for (Entry e : batch) {
            InteractionEventJson.writeLine(e.event(), buffer);
            waiters |= e.durable() != null;
            // Flushing by size keeps the buffer bounded and lets a file complete mid-batch at its size bound.
            if (buffer.size() >= FLUSH_BYTES || openBytes() + buffer.size() >= config.maxFileBytes()) flushBuffer();
        }
        flushBuffer();
        if (current != null && (waiters || System.nanoTime() - lastSyncNanos >= config.syncInterval().toNanos())) sync();
        written.add(batch.size());
        for (Entry e : batch) if (e.durable() != null) e.durable().complete(null);
        if (rotationDue()) rotate();
    }

    private long openBytes() {
        return current == null ? 0 : current.bytes();
    }

    /** Appends the buffered lines to the current file (opening one if needed), completing it at its size bound. */
    private void flushBuffer() throws IOException {
        if (buffer.size() == 0) return;
        if (current == null) {
            current = LogFile.create(dir, LogFileNames.inProgress(clock.instant(), instance, fileSeq++), clock.instant());
        }
        current.write(buffer.array(), buffer.size());
        buffer.reset();
        if (current.bytes() >= config.maxFileBytes()) rotate();
    }

    private void sync() throws IOException {
        current.sync();
        lastSyncNanos = System.nanoTime();
    }

    private boolean rotationDue() {
        return current != null && (current.bytes() >= config.maxFileBytes()
                || Duration.between(current.opened(), clock.instant()).compareTo(config.maxFileAge()) >= 0);
    }

    private void rotate() throws IOException {
        LogFile done = current;
        current = null;
        done.complete();
        lastSyncNanos = System.nanoTime();
    }

    private void abandonCurrent() {
        if (current != null) {
            current.abandon();
            current = null;
        }
    }

    private void failed(Exception e) {
        healthy = false;
        writeFailures.increment();
        errors.println("metarouter serve: event log write failed in " + dir + ": " + e);
    }

    private void finish() {
        if (current == null) return;
        try {
            rotate();
        } catch (IOException e) {
            failed(e);
            abandonCurrent();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A reusable batch buffer whose array is written as it is (ByteArrayOutputStream only hands out copies). */
    private static final class LineBuffer extends ByteArrayOutputStream {
        LineBuffer() {
            super(1 << 16);
        }

        byte[] array() {
            return buf;
        }
    }
}
