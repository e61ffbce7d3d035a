package ai.metarouter.jobs.io;

import ai.metarouter.core.data.EventType;
import ai.metarouter.core.data.InteractionEvent;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Converts between Spark rows of {@link Schemas#interactionLog()} and core {@link InteractionEvent}s,
 * for code that works event by event inside {@code mapPartitions} (the simulator writing, training
 * reading). The row's {@code dt} is always the event's UTC date.
 */
public final class InteractionEventRows {
    private static final StructType SCHEMA = Schemas.interactionLog();

    private InteractionEventRows() {}

    /** The Spark schema of an event row (same as {@link Schemas#interactionLog()}). */
    public static StructType schema() {
        return SCHEMA;
    }

    /** Encoder for {@code Dataset<Row>} of events, e.g. {@code mapPartitions(f, InteractionEventRows.encoder())}. */
    public static Encoder<Row> encoder() {
        return Encoders.row(SCHEMA);
    }

    /**
     * The event as a row in schema order; {@code ts} as {@link Timestamp}, {@code candidates} as a
     * Scala Seq (the row encoder of {@code mapPartitions} accepts nothing else for arrays).
     */
    public static Row toRow(InteractionEvent e) {
        Object[] values = {
            e.eventId(), e.userId(), new Timestamp(e.tsMillis()), e.type().wireName(),
            e.queryId(), e.query(), e.task(),
            scalaSeq(e.candidates()), e.model(), e.propensity(),
            e.quality(), e.costUsd(), e.reward(),
            e.modelA(), e.qualityA(), e.costUsdA(),
            e.modelB(), e.qualityB(), e.costUsdB(),
            e.preferred(), e.policy(), e.artifactVersion(),
            e.dt()
        };
        if (values.length != SCHEMA.size()) {
            throw new IllegalStateException("interaction-log schema has " + SCHEMA.size() + " columns, the row mapping "
                    + values.length + ": update InteractionEventRows with the schema");
        }
        return new GenericRowWithSchema(values, SCHEMA);
    }

    /**
     * The event a row holds. Columns are looked up by name when the row carries a schema (any column
     * order), by schema position otherwise.
     *
     * @throws IllegalArgumentException when {@code ts} or {@code event_type} is missing or unknown
     */
    public static InteractionEvent fromRow(Row row) {
        return new Reader(row.schema() != null ? row.schema() : SCHEMA).read(row);
    }

    /**
     * Reads rows that all have one schema, with the column positions looked up once (for a
     * partition's rows: looking 22 names up per row was a tenth of the split by user).
     */
    public static final class Reader {
        private static final String[] COLUMNS = {
            "event_id", "user_id", "ts", "event_type", "query_id", "query", "task", "candidates", "model", "propensity",
            "quality", "cost_usd", "reward", "model_a", "quality_a", "cost_usd_a", "model_b", "quality_b", "cost_usd_b",
            "preferred", "policy", "artifact_version"
        };
        private final int[] at = new int[COLUMNS.length];

        /** A reader of rows with {@code schema} (null: {@link Schemas#interactionLog()}'s column order). */
        public Reader(StructType schema) {
            StructType s = schema != null ? schema : SCHEMA;
            for (int i = 0; i < COLUMNS.length; i++) at[i] = s.fieldIndex(COLUMNS[i]);
        }

        /** @throws IllegalArgumentException when {@code ts} or {@code event_type} is missing or unknown */
        public InteractionEvent read(Row row) {
            return new InteractionEvent(
                    string(row, 0), string(row, 1), epochMillis(row.get(at[2])), EventType.fromWire(string(row, 3)),
                    string(row, 4), string(row, 5), string(row, 6),
                    stringList(row, 7), string(row, 8), dbl(row, 9),
                    dbl(row, 10), dbl(row, 11), dbl(row, 12),
                    string(row, 13), dbl(row, 14), dbl(row, 15),
                    string(row, 16), dbl(row, 17), dbl(row, 18),
                    string(row, 19), string(row, 20), integer(row, 21));
        }

        private String string(Row row, int c) {
            return (String) row.get(at[c]);
        }

        private Double dbl(Row row, int c) {
            int i = at[c];
            return row.isNullAt(i) ? null : row.getDouble(i);
        }

        private Integer integer(Row row, int c) {
            int i = at[c];
            return row.isNullAt(i) ? null : row.getInt(i);
        }

        private List<String> stringList(Row row, int c) {
            int i = at[c];
            return row.isNullAt(i) ? null : row.getList(i);
        }
    }

    private static scala.collection.Seq<String> scalaSeq(List<String> list) {
        return list == null ? null : JavaConverters.asScalaBuffer(list).toList();
    }

    /** Spark hands timestamps out as {@link Timestamp}, or as {@link Instant} when the Java 8 time API is enabled. */
    private static long epochMillis(Object ts) {
        if (ts instanceof Timestamp t) return t.getTime();
        if (ts instanceof Instant i) return i.toEpochMilli();
        if (ts instanceof LocalDateTime l) return l.toInstant(ZoneOffset.UTC).toEpochMilli();
        throw new IllegalArgumentException("event row has no usable ts: " + ts);
    }
}
