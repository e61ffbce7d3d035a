package ai.metarouter.core.artifact;

import java.io.IOException;
import java.nio.file.Path;

/** The registry scenarios on core's {@code java.nio} store, opened by URI as serving would. */
class LocalArtifactRegistryTest extends ArtifactRegistryContractTest {
    @Override
    protected ArtifactStore openStore(Path root) throws IOException {
        return ArtifactStores.open(root.toUri().toString());
    }
}
