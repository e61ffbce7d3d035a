package ai.metarouter.jobs.simulate;

import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.sim.ProfileColumns;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.core.sim.UserSplit;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.InvalidDatasetException;
import ai.metarouter.jobs.io.SchemaConformance;
import ai.metarouter.jobs.io.Schemas;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/**
 * Simulated users as rows of {@code users.parquet} ({@link Schemas#users()}) and back: evaluation
 * reads the true profiles with {@link #read} and {@link #fromRow}.
 */
public final class UserRows {
    private static final StructType SCHEMA = Schemas.users();

    private UserRows() {}

    /** The user as a row in schema order. */
    public static Row toRow(SimulatedUser user) {
        ProfileColumns c = ProfileColumns.of(user.profile());
        Object[] values = {user.userId(), user.split().wireName(), c.family(), c.lambda(), c.budgetUsd(),
            c.qualityFloor(), c.exponent(), c.threshold(), user.beta()};
        if (values.length != SCHEMA.size()) {
            throw new IllegalStateException("users schema has " + SCHEMA.size() + " columns, the row mapping "
                    + values.length + ": update UserRows with data-schemas/users.schema.json");
        }
        return new GenericRowWithSchema(values, SCHEMA);
    }

    /**
     * The user a row holds (columns looked up by name).
     *
     * @throws IllegalArgumentException when the profile columns do not make a valid profile or beta is missing
     */
    public static SimulatedUser fromRow(Row row) {
        String userId = row.getAs("user_id");
        try {
            UtilityProfile profile = UtilityProfile.fromColumns(row.getAs("family"), row.getAs("lambda"),
                    row.getAs("budget_usd"), row.getAs("quality_floor"), row.getAs("exponent"), row.getAs("threshold"));
            Double beta = row.getAs("beta");
            if (beta == null) throw new IllegalArgumentException("beta is missing");
            return new SimulatedUser(userId, UserSplit.fromWire(row.getAs("split")), profile, beta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user " + userId + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code <simulateOutput>/users.parquet}, columns in schema order.
     *
     * @throws InvalidDatasetException when the file is missing or its columns differ from the schema
     */
    public static Dataset<Row> read(SparkSession spark, String simulateOutputUri) {
        Path users = new Path(simulateOutputUri, SimulationJob.USERS_FILE);
        if (!HadoopFiles.exists(spark.sparkContext().hadoopConfiguration(), users)) {
            throw new InvalidDatasetException(users + " does not exist (is " + simulateOutputUri + " a simulate output?)");
        }
        return SchemaConformance.conform(spark.read().parquet(users.toString()), SCHEMA, users.toString());
    }
}
