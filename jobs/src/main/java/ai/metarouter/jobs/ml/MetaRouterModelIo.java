package ai.metarouter.jobs.ml;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LatestMissingException;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.registry.HadoopArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saving and loading {@link MetaRouterModel} in the registry's artifact format.
 *
 * <pre>
 * &lt;dir&gt;/                 a registry (data-schemas/artifact-format.md) ...
 *   v&lt;N&gt;/manifest.json   ... holding the model's version: N = the version it was loaded from, 1 for a fitted model
 *   v&lt;N&gt;/weights.mrt
 *   v&lt;N&gt;/training-log.json
 *   LATEST               N: the version is promoted, so serve and every registry reader take it
 *   _claims/ ...         registry bookkeeping
 *   metadata/part-00000  MLlib's DefaultParamsWriter metadata: class, uid, the Params (no weights)
 * </pre>
 *
 * The version is published first (complete and verified, or not at all) and promoted, then the
 * metadata is written: a directory with {@code metadata/} is a complete save. Reading accepts such
 * a directory, any registry (its LATEST, Params at their defaults) and a version directory
 * {@code <registry>/v<N>}. Paths are resolved with the session's Hadoop configuration, like every
 * MLlib path ({@code hdfs:}, {@code s3a:}, {@code file:}, or relative to the default file system).
 */
final class MetaRouterModelIo {
    /** The directory of MLlib's Params metadata inside a saved stage. */
    static final String METADATA_DIR = "metadata";

    private MetaRouterModelIo() {}

    /** The registry a path names, opened with the session's Hadoop configuration. */
    static ArtifactRegistry registry(Configuration conf, Path dir) throws IOException {
        return new ArtifactRegistry(HadoopArtifactStore.open(dir.toUri(), conf));
    }

    static final class Writer extends MLWriter {
        private final MetaRouterModel instance;

        Writer(MetaRouterModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            Configuration conf = sc().hadoopConfiguration();
            Path dir = HadoopFiles.qualify(conf, path);
            try (ArtifactRegistry registry = registry(conf, dir)) {
                int version = instance.artifact().publishTo(registry);
                registry.promote(version);
            } catch (IOException e) {
                throw new UncheckedIOException("MetaRouterModel: cannot save to " + dir + ": " + e.getMessage(), e);
            }
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
        }
    }

    static final class Reader extends MLReader<MetaRouterModel> {
        @Override
        public MetaRouterModel load(String path) {
            Configuration conf = sc().hadoopConfiguration();
            Path dir = HadoopFiles.qualify(conf, path);
            boolean saved = HadoopFiles.exists(conf, new Path(dir, METADATA_DIR));
            DefaultParamsReader.Metadata metadata = saved
                    ? DefaultParamsReader.loadMetadata(path, sc(), MetaRouterModel.class.getName()) : null;
            MetaRouterModel model = new MetaRouterModel(saved ? metadata.uid() : MetaRouterModel.newUid(),
                    ModelArtifact.loaded(artifact(conf, dir)));
            if (saved) metadata.getAndSetParams(model, Option.empty());
            return model;
        }

        /** The verified version {@code dir} names: {@code <registry>/v<N>}, or a registry's LATEST. */
        private static LoadedArtifact artifact(Configuration conf, Path dir) {
            if (!HadoopFiles.isDirectory(conf, dir)) {
                throw new IllegalArgumentException("MetaRouterModel.load: " + dir + " does not exist or is not a directory");
            }
            OptionalInt version = ArtifactLayout.parseVersionDir(dir.getName());
            boolean versionDir = version.isPresent() && dir.getParent() != null
                    && HadoopFiles.exists(conf, new Path(dir, ArtifactLayout.MANIFEST_FILE));
            Path root = versionDir ? dir.getParent() : dir;
            try (ArtifactRegistry registry = registry(conf, root)) {
                return versionDir ? registry.load(version.getAsInt()) : registry.latest();
            } catch (LatestMissingException e) {
                throw new IllegalArgumentException("MetaRouterModel.load: " + e.getMessage() + "; load <registry>/v<N> for one version", e);
            } catch (ArtifactException e) {
                throw new IllegalArgumentException("MetaRouterModel.load: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("MetaRouterModel.load: cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
