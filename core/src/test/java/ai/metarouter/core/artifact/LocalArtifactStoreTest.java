package ai.metarouter.core.artifact;

import java.nio.file.Path;

/** The store contract on core's {@code java.nio} store. */
class LocalArtifactStoreTest extends ArtifactStoreContractTest {
    @Override
    protected ArtifactStore openStore(Path root) {
        return new LocalArtifactStore(root);
    }
}
