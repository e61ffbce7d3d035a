package ai.metarouter.jobs.simulate;

import ai.metarouter.core.sim.ProfileColumns;
import ai.metarouter.core.sim.SimulatedUser;
import ai.metarouter.jobs.io.Schemas;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/** A simulated user as a row of {@code users.parquet} ({@link Schemas#users()}). */
final class UserRows {
    private static final StructType SCHEMA = Schemas.users();

    private UserRows() {}

    static Row toRow(SimulatedUser user) {
        ProfileColumns c = ProfileColumns.of(user.profile());
        Object[] values = {user.userId(), user.split().wireName(), c.family(), c.lambda(), c.budgetUsd(),
            c.qualityFloor(), c.exponent(), c.threshold(), user.beta()};
        if (values.length != SCHEMA.size()) {
            throw new IllegalStateException("users schema has " + SCHEMA.size() + " columns, the row mapping "
                    + values.length + ": update UserRows with data-schemas/users.schema.json");
        }
        return new GenericRowWithSchema(values, SCHEMA);
    }
}
