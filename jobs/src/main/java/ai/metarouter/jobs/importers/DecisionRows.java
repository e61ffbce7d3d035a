package ai.metarouter.jobs.importers;

import static org.apache.spark.sql.functions.col;

import ai.metarouter.jobs.io.Schemas;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@link Decision}s as Spark rows ({@link SourceRows#SCHEMA} followed by the decision columns), and
 * the two outputs made from them: the outcome rows and the quarantine rows.
 */
final class DecisionRows {
    static final StructType SCHEMA = append(SourceRows.SCHEMA,
            new StructField("status", DataTypes.StringType, false, Metadata.empty()),
            new StructField("reason", DataTypes.StringType, true, Metadata.empty()),
            new StructField("detail", DataTypes.StringType, false, Metadata.empty()),
            new StructField("problem_kinds", DataTypes.createArrayType(DataTypes.StringType, false), false,
                    Metadata.empty()));

    /** Columns of {@code quarantine/} (JSON lines), one row per rejected source row. */
    static final List<String> QUARANTINE_COLUMNS =
            List.of("source_file", "source_row", "source_line", "sample_id", "split", "reason", "detail");

    private DecisionRows() {}

    static Row toRow(Decision d) {
        Object[] source = SourceRows.values(d.row());
        Object[] values = Arrays.copyOf(source, source.length + 4);
        values[source.length] = d.status().name();
        values[source.length + 1] = d.reason() == null ? null : d.reason().code();
        values[source.length + 2] = d.detail();
        values[source.length + 3] = SourceRows.seq(d.problems().stream().map(ProblemKind::code).collect(Collectors.toList()));
        return RowFactory.create(values);
    }

    /**
     * The outcome rows ({@link Schemas#outcomes()}) of the accepted decisions: one per (query, model),
     * the position in the quality and cost arrays giving the model.
     */
    static Dataset<Row> outcomes(Dataset<Row> decisions, List<String> models) {
        Column modelIds = functions.array(models.stream().map(functions::lit).toArray(Column[]::new));
        return decisions.filter(col("status").equalTo(Decision.Status.ACCEPTED.name()))
                .selectExpr("sample_id", "task", "prompt", "split", "posexplode(quality) as (i, quality)", "cost")
                .select(col("sample_id").as("query_id"), col("task"), col("prompt"), col("split"),
                        functions.element_at(modelIds, col("i").plus(1)).as("model"), col("quality"),
                        functions.element_at(col("cost"), col("i").plus(1)).as("cost_usd"));
    }

    /** The quarantine rows of the rejected decisions. */
    static Dataset<Row> quarantine(Dataset<Row> decisions) {
        Column[] columns = QUARANTINE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new);
        return decisions.filter(col("status").equalTo(Decision.Status.QUARANTINED.name())).select(columns);
    }

    private static StructType append(StructType base, StructField... more) {
        StructField[] fields = Arrays.copyOf(base.fields(), base.fields().length + more.length);
        System.arraycopy(more, 0, fields, base.fields().length, more.length);
        return new StructType(fields);
    }
}
