package ai.metarouter.core.serve.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** The one file the writer appends to, from creation (in progress) to completion (renamed). */
final class LogFile {
    private final Path dir;
    private final String name;
    private final Instant opened;
    private final FileChannel channel;
    private long bytes;
    private boolean unsynced;

    private LogFile(Path dir, String name, Instant opened, FileChannel channel) {
        this.dir = dir;
        this.name = name;
        this.opened = opened;
        this.channel = channel;
    }

    static LogFile create(Path dir, String inProgressName, Instant now) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(inProgressName), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        syncDirectory(dir);
        return new LogFile(dir, inProgressName, now, ch);
    }

    void write(byte[] buf, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
        while (bb.hasRemaining()) channel.write(bb);
        bytes += len;
        unsynced = true;
    }

    void sync() throws IOException {
        if (unsynced) {
            channel.force(false);
            unsynced = false;
        }
    }

    boolean unsynced() {
        return unsynced;
    }

    long bytes() {
        return bytes;
    }

    Instant opened() {
        return opened;
    }

    String name() {
        return name;
    }

    /** Syncs, closes and renames the file to its complete name: from now on ingest may read it. */
    void complete() throws IOException {
        try {
            sync();
        } finally {
            channel.close();
        }
        Files.move(dir.resolve(name), dir.resolve(LogFileNames.completed(name)), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
    }

    /** After a write error: close without syncing; the caller then completes it by rename only. */
    void abandon() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The file is being given up after an error; closing is best effort.
        }
        try {
            Files.move(dir.resolve(name), dir.resolve(LogFileNames.completed(name)), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // Left as .inprogress; the next server start renames it (recoverLeftovers).
        }
    }

    /** Makes a create or rename in {@code dir} durable (POSIX needs the directory fsync'd too). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
