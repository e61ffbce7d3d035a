package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactStore;
import ai.metarouter.core.artifact.ArtifactStoreContractTest;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** core's store contract on the Hadoop store, on Hadoop's real local file system ({@code file:}). */
class HadoopArtifactStoreTest extends ArtifactStoreContractTest {
    @Override
    protected ArtifactStore openStore(Path root) throws IOException {
        return HadoopArtifactStore.open(root.toUri(), new Configuration());
    }
}
