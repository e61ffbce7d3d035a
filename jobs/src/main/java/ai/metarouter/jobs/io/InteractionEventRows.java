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
        Fields f = new Fields(row);
        Object ts = f.get("ts");
        return new InteractionEvent(
                f.string("event_id"), f.string("user_id"), epochMillis(ts), EventType.fromWire(f.string("event_type")),
                f.string("query_id"), f.string("query"), f.string("task"),
                f.stringList("candidates"), f.string("model"), f.dbl("propensity"),
                f.dbl("quality"), f.dbl("cost_usd"), f.dbl("reward"),
                f.string("model_a"), f.dbl("quality_a"), f.dbl("cost_usd_a"),
                f.string("model_b"), f.dbl("quality_b"), f.dbl("cost_usd_b"),
                f.string("preferred"), f.string("policy"), f.integer("artifact_version"));
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

    /** Name-or-position access to one row. */
    private record Fields(Row row) {
        private int index(String name) {
            return row.schema() != null ? row.fieldIndex(name) : SCHEMA.fieldIndex(name);
        }

        Object get(String name) {
            return row.get(index(name));
        }

        String string(String name) {
            return (String) get(name);
        }

        Double dbl(String name) {
            int i = index(name);
            return row.isNullAt(i) ? null : row.getDouble(i);
        }

        Integer integer(String name) {
            int i = index(name);
            return row.isNullAt(i) ? null : row.getInt(i);
        }

        List<String> stringList(String name) {
            int i = index(name);
            return row.isNullAt(i) ? null : row.getList(i);
        }
    }
}
