package ai.metarouter.jobs.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks that a DataFrame has the columns of a MetaRouter schema and returns exactly those, in
 * schema order. Types must match exactly (no silent casts: a string score column is an error, not a
 * NaN). Nullability is not compared, because Spark reports every column it reads from files as
 * nullable whatever was written; the null checks that matter are done on the values by the readers.
 */
public final class SchemaConformance {
    private SchemaConformance() {}

    /**
     * The columns of {@code expected}, in its order, taken from {@code data}; extra columns are
     * dropped. {@code where} (a path or a dataset name) starts the error message.
     *
     * @throws InvalidDatasetException naming every missing column and every wrong type
     */
    public static Dataset<Row> conform(Dataset<Row> data, StructType expected, String where) {
        List<String> problems = problems(data.schema(), expected);
        if (!problems.isEmpty()) throw new InvalidDatasetException(where + ": " + String.join("; ", problems));
        Column[] columns = Arrays.stream(expected.fieldNames()).map(functions::col).toArray(Column[]::new);
        return data.select(columns);
    }

    /**
     * {@code data} (already conformed to {@code schema}) with the schema's nullability instead of
     * the all-nullable one Spark reports for files. Only for data whose non-null columns were
     * checked to hold no nulls: each such column becomes {@code coalesce(column, default)}, whose
     * default is then never used, and which Spark knows to be non-null.
     */
    public static Dataset<Row> declareNonNull(Dataset<Row> data, StructType schema) {
        Column[] columns = new Column[schema.size()];
        for (int i = 0; i < columns.length; i++) {
            StructField field = schema.fields()[i];
            Column column = functions.col(field.name());
            columns[i] = field.nullable() ? column
                    : functions.coalesce(column, defaultOf(field)).as(field.name());
        }
        return data.select(columns);
    }

    private static Column defaultOf(StructField field) {
        DataType type = field.dataType();
        if (type.equals(DataTypes.StringType)) return functions.lit("");
        if (type.equals(DataTypes.DoubleType)) return functions.lit(0.0);
        if (type.equals(DataTypes.IntegerType)) return functions.lit(0);
        if (type.equals(DataTypes.LongType)) return functions.lit(0L);
        if (type.equals(DataTypes.BooleanType)) return functions.lit(false);
        throw new IllegalArgumentException("no non-null default for column " + field.name() + " of type " + type.simpleString());
    }

    /** Every difference between the columns of {@code actual} and {@code expected} (empty when they agree). */
    public static List<String> problems(StructType actual, StructType expected) {
        List<String> problems = new ArrayList<>();
        List<String> actualNames = Arrays.asList(actual.fieldNames());
        for (StructField field : expected.fields()) {
            if (!actualNames.contains(field.name())) {
                problems.add("missing column '" + field.name() + "' (" + field.dataType().simpleString() + ")");
                continue;
            }
            DataType actualType = actual.apply(field.name()).dataType();
            if (!withoutNullability(actualType).equals(withoutNullability(field.dataType()))) {
                problems.add("column '" + field.name() + "' is " + actualType.simpleString()
                        + ", expected " + field.dataType().simpleString());
            }
        }
        return problems;
    }

    /** The type with every nested nullability flag set to true, for comparisons that ignore it. */
    static DataType withoutNullability(DataType type) {
        if (type instanceof ArrayType a) {
            return DataTypes.createArrayType(withoutNullability(a.elementType()), true);
        }
        if (type instanceof MapType m) {
            return DataTypes.createMapType(withoutNullability(m.keyType()), withoutNullability(m.valueType()), true);
        }
        if (type instanceof StructType s) {
            StructField[] fields = Arrays.stream(s.fields())
                    .map(f -> new StructField(f.name(), withoutNullability(f.dataType()), true, f.metadata()))
                    .toArray(StructField[]::new);
            return new StructType(fields);
        }
        return type;
    }
}
