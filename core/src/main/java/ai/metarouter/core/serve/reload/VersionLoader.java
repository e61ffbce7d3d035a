package ai.metarouter.core.serve.reload;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.model.UserState;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * Turns a registry version into a {@link ServingVersion}, or refuses it. Three gates, each of
 * which a damaged or incompatible version fails with a reason:
 * <ol>
 *   <li>the registry's full verification ({@link ArtifactRegistry#load}: manifest format version,
 *       every file's size and SHA-256, the weights bundle's format and CRC);</li>
 *   <li>the model mapping ({@link RouterArtifacts#load}: model format, manifest and weights agree);</li>
 *   <li>a probe: the prior and a one-comparison adaptation route a probe query over every arm with
 *       finite scores, so weights that decode but compute NaN never reach a user.</li>
 * </ol>
 */
public final class VersionLoader {
    private static final String PROBE_QUERY = "probe: verify this artifact version routes before serving it";

    private final ArtifactRegistry registry;
    private final Clock clock;

    public VersionLoader(ArtifactRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    public ArtifactRegistry registry() {
        return registry;
    }

    public ServingVersion load(int version) throws VersionRefusedException {
        LoadedArtifact artifact;
        try {
            artifact = registry.load(version);
        } catch (IOException | ArtifactException | IllegalArgumentException e) {
            throw new VersionRefusedException(version, oneLine(e), e);
        }
        MetaRouterModel model;
        try {
            model = RouterArtifacts.load(artifact);
        } catch (ArtifactException | IllegalArgumentException e) {
            throw new VersionRefusedException(version, oneLine(e), e);
        }
        Manifest manifest = artifact.manifest();
        String fingerprint = manifest.file(ArtifactLayout.WEIGHTS_FILE)
                .orElseThrow(() -> new IllegalStateException("a verified version always lists " + ArtifactLayout.WEIGHTS_FILE))
                .sha256();
        probe(version, model);
        return ServingVersion.of(version, fingerprint, model, manifest.catalog(), clock.instant());
    }

    private static void probe(int version, MetaRouterModel model) throws VersionRefusedException {
        List<String> arms = model.predictor().armIds();
        if (arms.isEmpty()) throw new VersionRefusedException(version, "the model has no arms", null);
        try {
            check(version, model, model.prior(), arms, "prior");
            UserState adapted = model.adapt(List.of(new Feedback.Pairwise(PROBE_QUERY,
                    new Outcome(arms.get(0), 0.9, 0.01), new Outcome(arms.get(arms.size() - 1), 0.5, 0.001), true)));
            check(version, model, adapted, arms, "adapted");
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new VersionRefusedException(version, "probe routing failed: " + oneLine(e), e);
        }
    }

    private static void check(int version, MetaRouterModel model, UserState state, List<String> arms, String which)
            throws VersionRefusedException {
        double[] scores = model.scores(model.featurize(PROBE_QUERY), arms, state);
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new VersionRefusedException(version, "probe routing gave a non-finite score for " + arms.get(i)
                        + " (" + which + " state)", null);
            }
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
