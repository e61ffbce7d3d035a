package ai.metarouter.jobs.importers;

import ai.metarouter.jobs.io.HadoopFiles;
import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads a RouterBench CSV as pandas wrote it: RFC 4180 quoting ({@code "} doubled inside quoted
 * fields), fields spanning many lines, long prompts. Uses the univocity parser that Spark's own CSV
 * source is built on, over a Hadoop FileSystem stream, so it runs on executors against any URI. A
 * file whose quoting is broken cannot be resynchronised reliably, so that is an
 * {@link ImportException} naming the file and line, not a quarantined row.
 */
final class RouterBenchCsvReader {
    private RouterBenchCsvReader() {}

    static CsvParser newParser() {
        CsvParserSettings settings = new CsvParserSettings();
        settings.getFormat().setDelimiter(',');
        settings.getFormat().setQuote('"');
        settings.getFormat().setQuoteEscape('"');
        settings.setLineSeparatorDetectionEnabled(true);
        settings.setHeaderExtractionEnabled(false);
        settings.setCommentProcessingEnabled(false); // '#' starts Python code lines in mbpp prompts
        settings.setMaxCharsPerColumn(-1); // prompts and responses are long
        settings.setMaxColumns(10_000);
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setIgnoreLeadingWhitespacesInQuotes(false);
        settings.setIgnoreTrailingWhitespacesInQuotes(false);
        settings.setNormalizeLineEndingsWithinQuotes(false);
        settings.setUnescapedQuoteHandling(UnescapedQuoteHandling.RAISE_ERROR);
        settings.setSkipEmptyLines(true);
        settings.setNullValue(null);
        settings.setEmptyValue("");
        return new CsvParser(settings);
    }

    /** The header record of {@code file}. */
    static RouterBenchHeader readHeader(Configuration conf, InputFile file) {
        try (InputStream in = open(conf, file)) {
            CsvParser parser = newParser();
            parser.beginParsing(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] header = parseNext(parser, file);
            parser.stopParsing();
            return RouterBenchHeader.parse(file.name(), header);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.uri() + ": " + e.getMessage(), e);
        }
    }

    /** The data records of {@code file} after its header, parsed lazily; closes the file at the end. */
    static Iterator<SourceRow> readRows(Configuration conf, InputFile file, RouterBenchHeader header) {
        InputStream in = open(conf, file);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        CsvParser parser = newParser();
        parser.beginParsing(reader);
        parseNext(parser, file); // the header, already validated on the driver
        return new Iterator<>() {
            private long row;
            private long linesBefore = parser.getContext().currentLine();
            private String[] next = advance();

            private String[] advance() {
                String[] fields = parseNext(parser, file);
                if (fields == null) parser.stopParsing();
                return fields;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public SourceRow next() {
                if (next == null) throw new NoSuchElementException();
                String[] fields = next;
                long startLine = linesBefore + 1;
                linesBefore = parser.getContext().currentLine();
                next = advance();
                return RowParser.parse(file, header, ++row, startLine, fields);
            }
        };
    }

    private static String[] parseNext(CsvParser parser, InputFile file) {
        try {
            return parser.parseNext();
        } catch (TextParsingException e) {
            throw new ImportException(file.uri() + " line " + (e.getLineIndex() + 1) + ": malformed CSV ("
                    + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static InputStream open(Configuration conf, InputFile file) {
        Path path = new Path(file.uri());
        try {
            return HadoopFiles.fileSystem(conf, path).open(path);
        } catch (IOException e) {
            throw new ImportException("cannot open " + file.uri() + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "parse error";
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
