package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.metarouter.jobs.io.LocalSpark;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users scored over Spark (Kryo, broadcast bytes, any partitioning) equal users scored in-process. */
class EvaluationJobTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(EvaluationJobTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
        // stop() leaves the thread's active session set; later tests in this JVM check there is none.
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    @Test
    void sparkMatchesInProcessWhateverThePartitioning() {
        TinyWorld world = new TinyWorld(true);
        EvaluationJob.Shared shared = new EvaluationJob.Shared(world.panel, world.payloads, world.variants, world.settings);
        UserEvaluator local = shared.evaluator();
        for (int partitions : new int[] {1, 3}) {
            List<UserResult> viaSpark = EvaluationJob.run(spark, shared, world.users, partitions);
            assertEquals(world.users.size(), viaSpark.size());
            for (int i = 0; i < viaSpark.size(); i++) {
                UserResult expected = local.evaluate(world.users.get(i));
                assertEquals(expected.userId(), viaSpark.get(i).userId());
                assertArrayEquals(expected.utility(), viaSpark.get(i).utility());
                assertArrayEquals(expected.quality(), viaSpark.get(i).quality());
            }
        }
    }
}
