package ai.metarouter.jobs.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The lines of one log file with their 1-based numbers, read with bounded memory: a line longer
 * than {@code maxLineBytes} is not kept (only its first bytes, for the quarantine), and bytes
 * that are not UTF-8 are reported instead of being replaced (a replaced character would make a
 * wrong event look valid). The last line may lack its newline (a torn write): it is flagged.
 */
final class SourceLines implements Iterator<SourceLines.Line>, AutoCloseable {
    /** Bytes of an over-long line kept for the quarantine. */
    static final int PREVIEW_BYTES = 256;

    /**
     * One line.
     *
     * @param number 1-based line number
     * @param text the line without its newline, or null when it could not be decoded
     * @param problem null, or why the line cannot be parsed at all (code:detail)
     * @param terminated whether the line ended with a newline
     */
    record Line(long number, String text, String problemCode, String problem, boolean terminated) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
    private long number;
    private Line next;
    private boolean done;

    SourceLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                next = read();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (next == null) done = true;
        }
        return next != null;
    }

    @Override
    public Line next() {
        if (!hasNext()) throw new NoSuchElementException();
        Line l = next;
        next = null;
        return l;
    }

    private Line read() throws IOException {
        buf.reset();
        long length = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (length < maxLineBytes) buf.write(b);
            length++;
        }
        if (b < 0 && length == 0) return null;
        number++;
        boolean terminated = b == '\n';
        if (length > maxLineBytes) {
            String preview = new String(buf.toByteArray(), 0, Math.min(buf.size(), PREVIEW_BYTES), StandardCharsets.UTF_8);
            return new Line(number, preview, IngestReasons.LINE_TOO_LONG, "line is " + length + " bytes, longer than the limit of "
                    + maxLineBytes, terminated);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf.toByteArray())).toString();
            if (text.isBlank()) return new Line(number, text, IngestReasons.EMPTY_LINE, "empty line", terminated);
            return new Line(number, text, null, null, terminated);
        } catch (CharacterCodingException e) {
            String preview = new String(buf.toByteArray(), 0, Math.min(buf.size(), PREVIEW_BYTES), StandardCharsets.UTF_8);
            return new Line(number, preview, IngestReasons.INVALID_UTF8, "line is not valid UTF-8", terminated);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
