package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactRegistryContractTest;
import ai.metarouter.core.artifact.ArtifactStore;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** core's registry scenarios (publish, concurrency, failures, promote, rollback) on the Hadoop store. */
class HadoopArtifactRegistryTest extends ArtifactRegistryContractTest {
    @Override
    protected ArtifactStore openStore(Path root) throws IOException {
        return HadoopArtifactStore.open(root.toUri(), new Configuration());
    }
}
