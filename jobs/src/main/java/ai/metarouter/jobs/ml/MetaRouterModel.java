package ai.metarouter.jobs.ml;

import ai.metarouter.core.artifact.ManifestDraft;
import ai.metarouter.jobs.train.ModelSnapshot;
import java.util.OptionalInt;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A trained MetaRouter as an MLlib {@code Model}: {@link #transform} routes a DataFrame of
 * (user, query, optional feedback contexts, optional candidates, optional event id) and adds the
 * chosen model, its propensity and every candidate's score (columns and their Params:
 * {@link RoutingParams}). Batch routing of a backlog of prompts, and offline analysis ("what would
 * the router have done for these users with this feedback?").
 *
 * <p>Decisions are those of the serving library for the same artifact: the user is adapted from
 * the row's contexts with the same core calls the server makes on feedback, scored and explored
 * with the server's exploration defaults, the draw seeded by the row's event id as the server seeds
 * a decision by its event id. Deterministic: the same rows give the same outputs on any cluster
 * and partitioning. Each partition routes with the broadcast model.
 *
 * <p>Persistence is the registry's artifact format, not a second one ({@link MetaRouterModelIo}):
 * {@code model.write().overwrite().save(dir)} makes {@code dir} a registry with this model's
 * version promoted ({@code dir/v<N>/manifest.json}, {@code weights.mrt}, {@code dir/LATEST}) plus
 * MLlib's {@code dir/metadata/} holding the Params, so {@code metarouter serve --registry dir} and
 * every registry reader serve it; {@link #load} reads such a directory, any registry (its LATEST)
 * or one version directory {@code <registry>/v<N>}, on any Hadoop file system.
 *
 * <p>Not to be confused with {@link ai.metarouter.core.model.MetaRouterModel}, the Spark-free router
 * inside ({@link #coreModel()}).
 */
public final class MetaRouterModel extends Model<MetaRouterModel> implements RoutingParams, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final RoutingParams.Definitions routing;
    /** The artifact; models are persisted with {@link #write()}, not with Java serialization. */
    private final transient ModelArtifact artifact;

    MetaRouterModel(String uid, ModelArtifact artifact) {
        this.uid = uid;
        this.routing = new RoutingParams.Definitions(this);
        this.artifact = artifact;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public RoutingParams.Definitions routingParams() {
        return routing;
    }

    /** The Spark-free router: what the serving library would load from this artifact. */
    public ai.metarouter.core.model.MetaRouterModel coreModel() {
        return artifact().model();
    }

    /** The manifest content of this model's version (feature spec, catalog, training data, config, metrics). */
    public ManifestDraft manifestDraft() {
        return artifact().draft();
    }

    /** The registry version this model was loaded from; empty for a model fitted in this session and not reloaded. */
    public OptionalInt artifactVersion() {
        return artifact().version();
    }

    ModelArtifact artifact() {
        if (artifact == null) {
            throw new IllegalStateException("MetaRouterModel " + uid + " has no artifact (it was Java-deserialized); "
                    + "persist models with write().save(path) and MetaRouterModel.load(path)");
        }
        return artifact;
    }

    public MetaRouterModel setUserCol(String value) {
        set(userCol(), value);
        return this;
    }

    public MetaRouterModel setQueryCol(String value) {
        set(queryCol(), value);
        return this;
    }

    public MetaRouterModel setEventIdCol(String value) {
        set(eventIdCol(), value);
        return this;
    }

    public MetaRouterModel setCandidatesCol(String value) {
        set(candidatesCol(), value);
        return this;
    }

    public MetaRouterModel setContextsCol(String value) {
        set(contextsCol(), value);
        return this;
    }

    public MetaRouterModel setPredictionCol(String value) {
        set(predictionCol(), value);
        return this;
    }

    public MetaRouterModel setPropensityCol(String value) {
        set(propensityCol(), value);
        return this;
    }

    public MetaRouterModel setScoresCol(String value) {
        set(scoresCol(), value);
        return this;
    }

    public MetaRouterModel setErrorCol(String value) {
        set(errorCol(), value);
        return this;
    }

    public MetaRouterModel setExploration(String value) {
        set(exploration(), value);
        return this;
    }

    public MetaRouterModel setExplorationTau(double value) {
        set(explorationTau(), value);
        return this;
    }

    public MetaRouterModel setExplorationEpsilon(double value) {
        set(explorationEpsilon(), value);
        return this;
    }

    public MetaRouterModel setMinPropensity(double value) {
        set(minPropensity(), value);
        return this;
    }

    public MetaRouterModel setMaxContexts(int value) {
        set(maxContexts(), value);
        return this;
    }

    public MetaRouterModel setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return RoutingColumns.routedSchema("MetaRouterModel", schema, this);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        RoutingColumns.Layout layout = RoutingColumns.layout("MetaRouterModel", dataset.schema(), this);
        BatchRouter.Spec spec = new BatchRouter.Spec(layout, getExploration(), getExplorationTau(), getExplorationEpsilon(),
                getMinPropensity(), getMaxContexts(), getHandleInvalid());
        spec.strategy(); // fails here, on the driver, if the exploration settings are invalid
        // Broadcast per call, as MLlib's models do; Spark's context cleaner removes it with the plan.
        Broadcast<ModelSnapshot> model = dataset.sparkSession().sparkContext().broadcast(ModelSnapshot.of(coreModel()),
                scala.reflect.ClassTag$.MODULE$.apply(ModelSnapshot.class));
        return dataset.toDF().mapPartitions(new BatchRouter(model, spec), Encoders.row(out));
    }

    @Override
    public MetaRouterModel copy(ParamMap extra) {
        MetaRouterModel copy = new MetaRouterModel(uid, artifact);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new MetaRouterModelIo.Writer(this);
    }

    /** The reader of saved models, registries and version directories (MLlib's {@code MLReadable} convention). */
    public static MLReader<MetaRouterModel> read() {
        return new MetaRouterModelIo.Reader();
    }

    /** {@code read().load(path)}: a saved model, a registry (its LATEST) or a version directory {@code <registry>/v<N>}. */
    public static MetaRouterModel load(String path) {
        return read().load(path);
    }

    static String newUid() {
        return Identifiable.randomUID("metaRouterModel");
    }

    @Override
    public String toString() {
        OptionalInt v = artifact == null ? OptionalInt.empty() : artifact.version();
        return "MetaRouterModel: uid=" + uid + (v.isPresent() ? ", artifact version " + v.getAsInt() : ", fitted")
                + (artifact == null ? "" : ", " + artifact.model().predictor().numArms() + " models");
    }
}
