package ai.metarouter.jobs.io;

import org.apache.spark.sql.types.StructType;

/**
 * The Spark schemas of MetaRouter's datasets, derived at class-load time from the JSON Schema files
 * in {@code data-schemas/} (packaged under {@value #RESOURCE_DIR}/ by jobs/pom.xml). There is no
 * second, hand-written copy: change a column in the schema file and every job sees it.
 */
public final class Schemas {
    /** Classpath directory the data-schemas files are packaged under. */
    public static final String RESOURCE_DIR = "metarouter-schemas";

    public static final String OUTCOME_TABLE_FILE = "outcome-table.schema.json";
    public static final String MODEL_CATALOG_FILE = "model-catalog.schema.json";
    public static final String INTERACTION_LOG_FILE = "interaction-log.schema.json";
    public static final String USERS_FILE = "users.schema.json";

    /** The interaction log's partition column. */
    public static final String DT = "dt";

    private static final StructType OUTCOMES = JsonSchemaStruct.fromResource(OUTCOME_TABLE_FILE);
    private static final StructType INTERACTION_LOG = JsonSchemaStruct.fromResource(INTERACTION_LOG_FILE);
    private static final StructType USERS = JsonSchemaStruct.fromResource(USERS_FILE);

    private Schemas() {}

    /** One row per (query, model) of {@code <dir>/outcomes/}. */
    public static StructType outcomes() {
        return OUTCOMES;
    }

    /** One event of the interaction log, including the {@code dt} partition column (last). */
    public static StructType interactionLog() {
        return INTERACTION_LOG;
    }

    /** One simulated user of {@code users.parquet}. */
    public static StructType users() {
        return USERS;
    }
}
