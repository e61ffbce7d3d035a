package ai.metarouter.jobs.ingest;

import ai.metarouter.core.data.InteractionEvent;
import ai.metarouter.core.serve.log.InteractionEventJson;
import ai.metarouter.core.serve.log.InvalidEventLineException;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.InteractionEventRows;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * One row per input line: the interaction-log columns when the line is a valid event (all null
 * otherwise), then where it came from and, for a rejected line, why and what it said. One
 * schema for both outcomes, so the job reads every file once.
 */
final class IngestRows {
    static final String SOURCE_FILE = "source_file";
    static final String SOURCE_LINE = "source_line";
    static final String REASON_CODE = "reason_code";
    static final String REASON = "reason";
    static final String RAW = "raw";

    private static final StructType LOG = InteractionEventRows.schema();

    private IngestRows() {}

    /** The interaction-log columns (all nullable here) followed by the source and verdict columns. */
    static StructType schema() {
        List<StructField> fields = new ArrayList<>();
        for (StructField f : LOG.fields()) fields.add(new StructField(f.name(), f.dataType(), true, f.metadata()));
        fields.add(DataTypes.createStructField(SOURCE_FILE, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(SOURCE_LINE, DataTypes.LongType, false));
        fields.add(DataTypes.createStructField(REASON_CODE, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(REASON, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(RAW, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    static Row accepted(InteractionEvent e, String file, long line) {
        Row event = InteractionEventRows.toRow(e);
        Object[] values = Arrays.copyOf(rowValues(event), LOG.size() + 5);
        values[LOG.size()] = file;
        values[LOG.size() + 1] = line;
        return RowFactory.create(values);
    }

    static Row rejected(String file, long line, String code, String reason, String raw, int rawChars) {
        Object[] values = new Object[LOG.size() + 5];
        values[LOG.size()] = file;
        values[LOG.size() + 1] = line;
        values[LOG.size() + 2] = code;
        values[LOG.size() + 3] = reason;
        values[LOG.size() + 4] = raw == null || raw.length() <= rawChars ? raw : raw.substring(0, rawChars);
        return RowFactory.create(values);
    }

    private static Object[] rowValues(Row row) {
        Object[] v = new Object[row.length()];
        for (int i = 0; i < v.length; i++) v[i] = row.get(i);
        return v;
    }

    /** Parses one line into its row. */
    static Row parse(String file, SourceLines.Line line, int rawChars) {
        if (line.problemCode() != null) return rejected(file, line.number(), line.problemCode(), line.problem(), line.text(), rawChars);
        try {
            return accepted(InteractionEventJson.parse(line.text()), file, line.number());
        } catch (InvalidEventLineException e) {
            if (!line.terminated()) {
                return rejected(file, line.number(), IngestReasons.TORN_LAST_LINE,
                        "the last line has no newline and is not a valid event (a write cut off by a crash?): " + e.getMessage(),
                        line.text(), rawChars);
            }
            return rejected(file, line.number(), e.code(), e.getMessage(), line.text(), rawChars);
        }
    }

    /** The Spark function: file paths of one partition to their lines' rows, file by file, lazily. */
    static final class ReadFiles implements FlatMapFunction<Iterator<String>, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<SerializableConfiguration> conf;
        private final int maxLineBytes;
        private final int rawChars;

        ReadFiles(Broadcast<SerializableConfiguration> conf, int maxLineBytes, int rawChars) {
            this.conf = conf;
            this.maxLineBytes = maxLineBytes;
            this.rawChars = rawChars;
        }

        @Override
        public Iterator<Row> call(Iterator<String> files) {
            return new Iterator<>() {
                private SourceLines current;
                private String currentName;

                @Override
                public boolean hasNext() {
                    while (current == null || !current.hasNext()) {
                        closeCurrent();
                        if (!files.hasNext()) return false;
                        open(files.next());
                    }
                    return true;
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return parse(currentName, current.next(), rawChars);
                }

                private void open(String uri) {
                    Path path = new Path(uri);
                    FileSystem fs = HadoopFiles.fileSystem(conf.value().value(), path);
                    try {
                        current = new SourceLines(new BufferedInputStream(fs.open(path), 1 << 16), maxLineBytes);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
                    }
                    currentName = path.getName();
                }

                private void closeCurrent() {
                    if (current == null) return;
                    try {
                        current.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    current = null;
                }
            };
        }
    }
}
