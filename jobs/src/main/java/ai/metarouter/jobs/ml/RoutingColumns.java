package ai.metarouter.jobs.ml;

import ai.metarouter.jobs.io.Schemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Input and output columns of the estimator and the model: schema checks with one-line errors
 * that name the column, the Param that names it and what was expected (no silent casts), and
 * where each column sits in a row.
 */
final class RoutingColumns {
    /** Fields of a pairwise comparison in a context struct (the interaction log's names). */
    static final Map<String, DataType> PAIR_FIELDS = fields("model_a", DataTypes.StringType, "quality_a", DataTypes.DoubleType,
            "cost_usd_a", DataTypes.DoubleType, "model_b", DataTypes.StringType, "quality_b", DataTypes.DoubleType,
            "cost_usd_b", DataTypes.DoubleType, "preferred", DataTypes.StringType);
    /** Fields of a reward in a context struct. */
    static final Map<String, DataType> REWARD_FIELDS = fields("model", DataTypes.StringType, "quality", DataTypes.DoubleType,
            "cost_usd", DataTypes.DoubleType, "reward", DataTypes.DoubleType);
    /** The interaction-log columns {@code fit} cannot do without; the others may be absent (all null). */
    static final Set<String> REQUIRED_LOG_COLUMNS = Set.of("event_id", "user_id", "ts", "event_type", "query");

    private static final DataType CANDIDATES_TYPE = DataTypes.createArrayType(DataTypes.StringType);

    private RoutingColumns() {}

    /** Where the routing inputs are in a row of {@code schema}; -1 for an absent optional column. */
    record Layout(int user, int query, int eventId, int candidates, int contexts, ContextFields contextFields) implements java.io.Serializable {}

    /**
     * Field positions inside a context struct (-1 when absent).
     */
    record ContextFields(int modelA, int qualityA, int costA, int modelB, int qualityB, int costB, int preferred, int query, int model,
                         int quality, int cost, int reward) implements java.io.Serializable {
        boolean hasPairs() {
            return preferred >= 0;
        }

        boolean hasRewards() {
            return reward >= 0;
        }
    }

    /**
     * Checks the routing input columns of {@code schema} and returns it with the output columns
     * appended.
     *
     * @throws IllegalArgumentException naming the column, its Param and the problem
     */
    static StructType routedSchema(String who, StructType schema, RoutingParams p) {
        layout(who, schema, p);
        return withOutputs(who, schema, p);
    }

    /**
     * {@code schema} with the output columns appended, after checking that none exists yet (the
     * inputs are not checked: the estimator's input is a log, whose columns {@link
     * #checkInteractionLog} checks, and which has no contexts column).
     */
    static StructType withOutputs(String who, StructType schema, RoutingParams p) {
        List<String> names = Arrays.asList(schema.fieldNames());
        boolean keep = p.getHandleInvalid().equals("keep");
        List<StructField> out = new ArrayList<>(Arrays.asList(schema.fields()));
        List<Param<String>> outputs = new ArrayList<>(List.of(p.predictionCol(), p.propensityCol(), p.scoresCol()));
        if (keep) outputs.add(p.errorCol());
        List<String> seen = new ArrayList<>();
        for (Param<String> o : outputs) {
            String name = p.getOrDefault(o);
            if (names.contains(name)) {
                throw new IllegalArgumentException(who + ": output column '" + name + "' (" + o.name() + ") already exists in the input; "
                        + "set " + o.name() + " to another name");
            }
            if (seen.contains(name)) throw new IllegalArgumentException(who + ": two output Params name the column '" + name + "'");
            seen.add(name);
        }
        out.add(DataTypes.createStructField(p.getPredictionCol(), DataTypes.StringType, keep));
        out.add(DataTypes.createStructField(p.getPropensityCol(), DataTypes.DoubleType, keep));
        out.add(DataTypes.createStructField(p.getScoresCol(), DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), keep));
        if (keep) out.add(DataTypes.createStructField(p.getErrorCol(), DataTypes.StringType, true));
        return new StructType(out.toArray(StructField[]::new));
    }

    /** The positions of the routing inputs in {@code schema}, after checking their types. */
    static Layout layout(String who, StructType schema, RoutingParams p) {
        int user = column(who, schema, p, p.userCol(), DataTypes.StringType, "string", true);
        int query = column(who, schema, p, p.queryCol(), DataTypes.StringType, "string", true);
        int eventId = column(who, schema, p, p.eventIdCol(), DataTypes.StringType, "string", false);
        int candidates = column(who, schema, p, p.candidatesCol(), CANDIDATES_TYPE, "array<string>", false);
        int contexts = present(who, schema, p, p.contextsCol(), false);
        ContextFields fields = null;
        if (contexts >= 0) fields = contextFields(who, schema.fields()[contexts], p);
        return new Layout(user, query, eventId, candidates, contexts, fields);
    }

    /**
     * Checks an interaction-log DataFrame for {@code fit}: the required columns are there, every
     * log column present has the log's type (user, query, event id and candidates are looked up
     * under the names their Params give).
     */
    static void checkInteractionLog(String who, StructType schema, RoutingParams p) {
        List<String> problems = new ArrayList<>();
        List<String> names = Arrays.asList(schema.fieldNames());
        for (StructField field : Schemas.interactionLog().fields()) {
            if (field.name().equals(Schemas.DT)) continue;
            String source = sourceName(field.name(), p);
            if (!names.contains(source)) {
                if (REQUIRED_LOG_COLUMNS.contains(field.name())) {
                    problems.add("missing column '" + source + "' (" + field.dataType().simpleString() + describeRename(field.name(), source) + ")");
                }
                continue;
            }
            DataType actual = schema.apply(source).dataType();
            if (!DataType.equalsStructurally(actual, field.dataType(), true)) {
                problems.add("column '" + source + "' is " + actual.simpleString() + ", expected " + field.dataType().simpleString()
                        + describeRename(field.name(), source));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(who + ": the input is not an interaction log (data-schemas/interaction-log.schema.json): "
                    + String.join("; ", problems));
        }
    }

    /**
     * The interaction log of {@code data} with the log's column names and types: the Param-named
     * columns renamed, absent optional columns as typed nulls, everything else dropped.
     */
    static Dataset<Row> interactionLog(Dataset<?> data, RoutingParams p) {
        List<String> names = Arrays.asList(data.schema().fieldNames());
        List<Column> columns = new ArrayList<>();
        for (StructField field : Schemas.interactionLog().fields()) {
            if (field.name().equals(Schemas.DT)) continue;
            String source = sourceName(field.name(), p);
            columns.add(names.contains(source) ? functions.col(source).as(field.name())
                    : functions.lit(null).cast(field.dataType()).as(field.name()));
        }
        return data.toDF().select(columns.toArray(Column[]::new));
    }

    /** The input column that holds interaction-log column {@code logName}. */
    private static String sourceName(String logName, RoutingParams p) {
        return switch (logName) {
            case "user_id" -> p.getUserCol();
            case "query" -> p.getQueryCol();
            case "event_id" -> p.getEventIdCol();
            case "candidates" -> p.getCandidatesCol();
            default -> logName;
        };
    }

    private static String describeRename(String logName, String source) {
        return logName.equals(source) ? "" : ", the log's " + logName;
    }

    private static int column(String who, StructType schema, RoutingParams p, Param<String> param, DataType type, String typeName,
                              boolean required) {
        int i = present(who, schema, p, param, required);
        if (i < 0) return i;
        DataType actual = schema.fields()[i].dataType();
        if (!DataType.equalsStructurally(actual, type, true)) {
            throw new IllegalArgumentException(who + ": input column '" + schema.fields()[i].name() + "' (" + param.name() + ") is "
                    + actual.simpleString() + ", expected " + typeName);
        }
        return i;
    }

    /** The position of the column {@code param} names; -1 when it is absent and may be. */
    private static int present(String who, StructType schema, RoutingParams p, Param<String> param, boolean required) {
        String name = p.getOrDefault(param);
        List<String> names = Arrays.asList(schema.fieldNames());
        int i = names.indexOf(name);
        if (i >= 0) return i;
        if (required || p.isSet(param)) {
            throw new IllegalArgumentException(who + ": input column '" + name + "' (" + param.name() + ") is missing; columns: " + names);
        }
        return -1;
    }

    private static ContextFields contextFields(String who, StructField column, RoutingParams p) {
        String expected = "array<struct> whose elements are comparisons " + describe(PAIR_FIELDS) + " and/or rewards "
                + describe(REWARD_FIELDS);
        if (!(column.dataType() instanceof ArrayType array) || !(array.elementType() instanceof StructType element)) {
            throw new IllegalArgumentException(who + ": input column '" + column.name() + "' (" + p.contextsCol().name() + ") is "
                    + column.dataType().simpleString() + ", expected " + expected);
        }
        Map<String, Integer> at = new LinkedHashMap<>();
        List<String> names = Arrays.asList(element.fieldNames());
        for (Map<String, DataType> group : List.of(PAIR_FIELDS, REWARD_FIELDS, fields("query", DataTypes.StringType))) {
            for (Map.Entry<String, DataType> f : group.entrySet()) {
                int i = names.indexOf(f.getKey());
                if (i < 0) continue;
                DataType actual = element.fields()[i].dataType();
                if (!DataType.equalsStructurally(actual, f.getValue(), true)) {
                    throw new IllegalArgumentException(who + ": field '" + f.getKey() + "' of the contexts column '" + column.name() + "' ("
                            + p.contextsCol().name() + ") is " + actual.simpleString() + ", expected " + f.getValue().simpleString());
                }
                at.put(f.getKey(), i);
            }
        }
        boolean pairs = completeOrAbsent(who, column, p, PAIR_FIELDS, at, "a comparison");
        boolean rewards = completeOrAbsent(who, column, p, REWARD_FIELDS, at, "a reward");
        if (!pairs && !rewards) {
            throw new IllegalArgumentException(who + ": the contexts column '" + column.name() + "' (" + p.contextsCol().name() + ") is "
                    + column.dataType().simpleString() + ", expected " + expected);
        }
        return new ContextFields(at.getOrDefault("model_a", -1), at.getOrDefault("quality_a", -1), at.getOrDefault("cost_usd_a", -1),
                at.getOrDefault("model_b", -1), at.getOrDefault("quality_b", -1), at.getOrDefault("cost_usd_b", -1),
                at.getOrDefault("preferred", -1), at.getOrDefault("query", -1), at.getOrDefault("model", -1),
                at.getOrDefault("quality", -1), at.getOrDefault("cost_usd", -1), at.getOrDefault("reward", -1));
    }

    /** Whether all of {@code group}'s fields are there; an error when only some are. */
    private static boolean completeOrAbsent(String who, StructField column, RoutingParams p, Map<String, DataType> group,
                                            Map<String, Integer> at, String what) {
        List<String> missing = group.keySet().stream().filter(f -> !at.containsKey(f)).toList();
        if (missing.isEmpty()) return true;
        if (missing.size() == group.size()) return false;
        throw new IllegalArgumentException(who + ": the contexts column '" + column.name() + "' (" + p.contextsCol().name() + ") has some "
                + "fields of " + what + " but not " + missing + "; " + what + " needs " + describe(group));
    }

    private static String describe(Map<String, DataType> fields) {
        StringBuilder b = new StringBuilder("(");
        fields.forEach((name, type) -> b.append(b.length() > 1 ? ", " : "").append(name).append(": ").append(type.simpleString()));
        return b.append(')').toString();
    }

    private static Map<String, DataType> fields(Object... kv) {
        Map<String, DataType> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (DataType) kv[i + 1]);
        return m;
    }
}
