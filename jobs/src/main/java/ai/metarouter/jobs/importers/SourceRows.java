package ai.metarouter.jobs.importers;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * {@link SourceRow} as a Spark SQL row. Parsed rows travel through Spark as rows of this schema, not
 * as Java objects: the jobs run with the Kryo serializer, which cannot build Java records, while
 * Spark's own row format needs no serializer at all.
 */
final class SourceRows {
    static final StructType PROBLEM = new StructType()
            .add("kind", DataTypes.StringType, false)
            .add("column", DataTypes.StringType, true)
            .add("value", DataTypes.StringType, true);

    static final StructType SCHEMA = new StructType()
            .add("source_file", DataTypes.StringType, false)
            .add("source_row", DataTypes.LongType, false)
            .add("source_line", DataTypes.LongType, false)
            .add("sample_id", DataTypes.StringType, true)
            .add("task", DataTypes.StringType, true)
            .add("prompt", DataTypes.StringType, true)
            .add("split", DataTypes.StringType, false)
            .add("quality", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("cost", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("problems", DataTypes.createArrayType(PROBLEM, false), false)
            .add("group_key", DataTypes.StringType, false);

    private SourceRows() {}

    /** Values of {@link #SCHEMA}, in order. */
    static Object[] values(SourceRow r) {
        List<Row> problems = new ArrayList<>();
        for (Problem p : r.problems()) problems.add(RowFactory.create(p.kind().code(), p.column(), p.value()));
        return new Object[] {r.file(), r.row(), r.line(), r.sampleId(), r.task(), r.prompt(), r.split(),
            seq(r.quality()), seq(r.cost()), seq(problems), groupKey(r)};
    }

    static Row toRow(SourceRow r) {
        return RowFactory.create(values(r));
    }

    /** Reads the first {@link #SCHEMA} columns of {@code row} (decision rows start with them too). */
    static SourceRow fromRow(Row row) {
        List<Problem> problems = new ArrayList<>();
        for (Row p : row.<Row>getList(9)) {
            problems.add(new Problem(ProblemKind.fromCode(p.getString(0)), p.getString(1), p.getString(2)));
        }
        return new SourceRow(row.getString(0), row.getLong(1), row.getLong(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getList(7), row.getList(8), problems);
    }

    /** Rows that can be duplicates share their id as key; every other row is a group of its own. */
    static String groupKey(SourceRow r) {
        return r.hasUsableId() ? "id:" + r.sampleId() : "row:" + r.file() + ":" + r.row();
    }

    /** Spark's row encoder takes arrays as Scala sequences only. */
    static <T> scala.collection.Seq<T> seq(List<T> list) {
        return JavaConverters.asScalaBuffer(list).toList();
    }
}
