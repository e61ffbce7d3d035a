package ai.metarouter.jobs.ml;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.ManifestDraft;
import ai.metarouter.core.artifact.TensorBundle;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.jobs.train.TrainJob;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The artifact behind an MLlib model: the core model and the files of its version. A fitted model
 * holds what {@link TrainJob#train} returned (exactly what the {@code train} command would
 * publish) and is published as the next version when saved; a loaded model holds the verified
 * version it was read from and is saved as a copy of it (same number, manifest and bytes), so
 * saving and loading never changes an artifact.
 */
final class ModelArtifact {
    private final MetaRouterModel model;
    private final ManifestDraft draft;
    private final TensorBundle weights;
    private final Map<String, byte[]> extraFiles;
    /** The version this was loaded from, or null for a fitted model. */
    private final LoadedArtifact source;

    private ModelArtifact(MetaRouterModel model, ManifestDraft draft, TensorBundle weights, Map<String, byte[]> extraFiles,
                          LoadedArtifact source) {
        this.model = Objects.requireNonNull(model);
        this.draft = draft;
        this.weights = weights;
        this.extraFiles = extraFiles;
        this.source = source;
    }

    /** The result of a training run, not yet published. */
    static ModelArtifact trained(TrainJob.Trained t) {
        return new ModelArtifact(t.model(), t.draft(), t.weights(), Map.copyOf(t.extraFiles()), null);
    }

    /** A verified registry version. */
    static ModelArtifact loaded(LoadedArtifact a) {
        Map<String, byte[]> extra = new LinkedHashMap<>();
        for (String name : a.fileNames()) {
            if (!name.equals(ArtifactLayout.WEIGHTS_FILE)) extra.put(name, a.file(name));
        }
        return new ModelArtifact(RouterArtifacts.load(a), a.manifest().draft(), a.weights(), extra, a);
    }

    MetaRouterModel model() {
        return model;
    }

    ManifestDraft draft() {
        return draft;
    }

    TensorBundle weights() {
        return weights;
    }

    /** Files of the version besides the weights (the training log). */
    Map<String, byte[]> extraFiles() {
        return extraFiles;
    }

    /** The registry version this was loaded from; empty for a fitted model. */
    OptionalInt version() {
        return source == null ? OptionalInt.empty() : OptionalInt.of(source.version());
    }

    /** Publishes this artifact into {@code registry}: a copy of the loaded version, or the fitted one as the next version. */
    int publishTo(ArtifactRegistry registry) throws IOException {
        return source != null ? registry.importVersion(source) : registry.publish(draft, weights, extraFiles);
    }
}
