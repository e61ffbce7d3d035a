package ai.metarouter.jobs.ml;

import com.typesafe.config.Config;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The Params {@link MetaRouterEstimator} and {@link MetaRouterModel} share (MLlib's convention: a
 * fitted model inherits the column Params set on its estimator).
 *
 * <p>Input columns of {@link MetaRouterModel#transform}:
 * <ul>
 *   <li>{@code userCol} (default {@code user_id}, string) and {@code queryCol} ({@code query},
 *       string): required;</li>
 *   <li>{@code contextsCol} ({@code contexts}): the user's feedback, {@code array<struct>} in
 *       arrival order, each element a pairwise comparison with the interaction log's field names
 *       ({@code model_a, quality_a, cost_usd_a, model_b, quality_b, cost_usd_b: string/double},
 *       {@code preferred: "a"|"b"}, optional {@code query}) and/or a reward ({@code model, quality,
 *       cost_usd, reward}); an element with {@code preferred} null is a reward. The user is adapted
 *       from the last {@code maxContexts} of them, as the server adapts from its last
 *       {@code feedback-per-user}; null or empty means no feedback (the population prior);</li>
 *   <li>{@code candidatesCol} ({@code candidates}, {@code array<string>}): the models to choose
 *       among; null means every model of the artifact;</li>
 *   <li>{@code eventIdCol} ({@code event_id}, string): seeds the exploration draw exactly as the
 *       server seeds a decision from its event id, so a row with the id of a logged decision
 *       replays it. A row without an id is seeded from its user id and query (identical rows then
 *       get identical draws).</li>
 * </ul>
 * An optional column whose Param was left at its default may be absent from the DataFrame; a
 * column named by an explicitly set Param must exist. In {@link MetaRouterEstimator#fit} the
 * user, query, event id and candidates columns name the interaction log's {@code user_id},
 * {@code query}, {@code event_id} and {@code candidates}.
 *
 * <p>Output columns: {@code predictionCol} ({@code routed_model}: the chosen model),
 * {@code propensityCol} ({@code routed_propensity}: the probability it was chosen with) and
 * {@code scoresCol} ({@code routed_scores}: {@code map<string,double>}, every candidate's
 * estimated utility for the user; Spark maps have no order). With {@code handleInvalid = keep} also
 * {@code errorCol} ({@code routing_error}: why a row could not be routed, null when it was).
 *
 * <p>Exploration ({@code exploration}, {@code explorationTau}, {@code explorationEpsilon},
 * {@code minPropensity}) and {@code maxContexts} default to {@code metarouter.serve}, so a batch
 * decision equals the server's for the same user, feedback, query and event id.
 */
public interface RoutingParams extends Params {
    /** Exploration strategies, as {@code metarouter.serve.exploration.strategy} names them. */
    String[] EXPLORATIONS = {"softmax", "epsilon-greedy", "greedy"};
    /** What to do with a row that cannot be routed. */
    String[] HANDLE_INVALID = {"error", "skip", "keep"};

    /** The Param objects of this instance. */
    Definitions routingParams();

    default Param<String> userCol() {
        return routingParams().userCol;
    }

    default Param<String> queryCol() {
        return routingParams().queryCol;
    }

    default Param<String> eventIdCol() {
        return routingParams().eventIdCol;
    }

    default Param<String> candidatesCol() {
        return routingParams().candidatesCol;
    }

    default Param<String> contextsCol() {
        return routingParams().contextsCol;
    }

    default Param<String> predictionCol() {
        return routingParams().predictionCol;
    }

    default Param<String> propensityCol() {
        return routingParams().propensityCol;
    }

    default Param<String> scoresCol() {
        return routingParams().scoresCol;
    }

    default Param<String> errorCol() {
        return routingParams().errorCol;
    }

    default Param<String> exploration() {
        return routingParams().exploration;
    }

    default DoubleParam explorationTau() {
        return routingParams().explorationTau;
    }

    default DoubleParam explorationEpsilon() {
        return routingParams().explorationEpsilon;
    }

    default DoubleParam minPropensity() {
        return routingParams().minPropensity;
    }

    default IntParam maxContexts() {
        return routingParams().maxContexts;
    }

    default Param<String> handleInvalid() {
        return routingParams().handleInvalid;
    }

    default String getUserCol() {
        return getOrDefault(userCol());
    }

    default String getQueryCol() {
        return getOrDefault(queryCol());
    }

    default String getEventIdCol() {
        return getOrDefault(eventIdCol());
    }

    default String getCandidatesCol() {
        return getOrDefault(candidatesCol());
    }

    default String getContextsCol() {
        return getOrDefault(contextsCol());
    }

    default String getPredictionCol() {
        return getOrDefault(predictionCol());
    }

    default String getPropensityCol() {
        return getOrDefault(propensityCol());
    }

    default String getScoresCol() {
        return getOrDefault(scoresCol());
    }

    default String getErrorCol() {
        return getOrDefault(errorCol());
    }

    default String getExploration() {
        return getOrDefault(exploration());
    }

    default double getExplorationTau() {
        return (Double) getOrDefault(explorationTau());
    }

    default double getExplorationEpsilon() {
        return (Double) getOrDefault(explorationEpsilon());
    }

    default double getMinPropensity() {
        return (Double) getOrDefault(minPropensity());
    }

    default int getMaxContexts() {
        return (Integer) getOrDefault(maxContexts());
    }

    default String getHandleInvalid() {
        return getOrDefault(handleInvalid());
    }

    /** A Param validator: a non-blank string (column names). Serializable, as Params travel with the stage. */
    final class NonBlank extends scala.runtime.AbstractFunction1<String, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(String value) {
            return value != null && !value.isBlank();
        }
    }

    /** The shared Params of one owner, with the defaults of conf/metarouter.conf. */
    final class Definitions implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final Param<String> userCol;
        final Param<String> queryCol;
        final Param<String> eventIdCol;
        final Param<String> candidatesCol;
        final Param<String> contextsCol;
        final Param<String> predictionCol;
        final Param<String> propensityCol;
        final Param<String> scoresCol;
        final Param<String> errorCol;
        final Param<String> exploration;
        final DoubleParam explorationTau;
        final DoubleParam explorationEpsilon;
        final DoubleParam minPropensity;
        final IntParam maxContexts;
        final Param<String> handleInvalid;

        /** Creates the Params of {@code owner} (whose uid must be set) and sets their defaults. */
        public Definitions(Params owner) {
            userCol = column(owner, "userCol", "user id column (string); in fit, the log's user_id");
            queryCol = column(owner, "queryCol", "query text column (string); in fit, the log's query");
            eventIdCol = column(owner, "eventIdCol", "optional event id column (string): seeds each decision's exploration draw "
                    + "as the server does; in fit, the log's event_id");
            candidatesCol = column(owner, "candidatesCol", "optional candidate models column (array<string>; null = every model); "
                    + "in fit, the log's candidates");
            contextsCol = column(owner, "contextsCol", "optional feedback contexts column: array<struct> of pairwise comparisons "
                    + "(model_a, quality_a, cost_usd_a, model_b, quality_b, cost_usd_b, preferred) and/or rewards (model, quality, "
                    + "cost_usd, reward), in arrival order");
            predictionCol = column(owner, "predictionCol", "output column: the chosen model (string)");
            propensityCol = column(owner, "propensityCol", "output column: the probability the chosen model was drawn with (double)");
            scoresCol = column(owner, "scoresCol", "output column: every candidate's estimated utility for the user (map<string,double>)");
            errorCol = column(owner, "errorCol", "output column with handleInvalid=keep: why a row could not be routed (null if it was)");
            exploration = new Param<>(owner, "exploration", "exploration of decisions: softmax (explorationTau), epsilon-greedy "
                    + "(explorationEpsilon) or greedy", ParamValidators.inArray(EXPLORATIONS));
            explorationTau = new DoubleParam(owner, "explorationTau", "softmax temperature in utility units (> 0)", ParamValidators.gt(0));
            explorationEpsilon = new DoubleParam(owner, "explorationEpsilon", "epsilon-greedy's probability of a uniform draw, in [0, 1]",
                    ParamValidators.inRange(0, 1));
            minPropensity = new DoubleParam(owner, "minPropensity", "floor on every candidate's probability, in [0, 1] (off-policy "
                    + "learning divides by it)", ParamValidators.inRange(0, 1));
            maxContexts = new IntParam(owner, "maxContexts", "the user is adapted from the most recent this many contexts (>= 1), "
                    + "as the server keeps its most recent feedback-per-user", ParamValidators.gtEq(1));
            handleInvalid = new Param<>(owner, "handleInvalid", "a row that cannot be routed (null user or query, unknown or repeated "
                    + "candidate, bad context): error = fail naming the row, skip = drop it, keep = null outputs and the reason in errorCol",
                    ParamValidators.inArray(HANDLE_INVALID));

            Config serve = MlDefaults.serve();
            Config ex = serve.getConfig("exploration");
            owner.setDefault(userCol, "user_id");
            owner.setDefault(queryCol, "query");
            owner.setDefault(eventIdCol, "event_id");
            owner.setDefault(candidatesCol, "candidates");
            owner.setDefault(contextsCol, "contexts");
            owner.setDefault(predictionCol, "routed_model");
            owner.setDefault(propensityCol, "routed_propensity");
            owner.setDefault(scoresCol, "routed_scores");
            owner.setDefault(errorCol, "routing_error");
            owner.setDefault(exploration, ex.getString("strategy"));
            owner.setDefault(explorationTau, ex.getDouble("tau"));
            owner.setDefault(explorationEpsilon, ex.getDouble("epsilon"));
            owner.setDefault(minPropensity, ex.getDouble("min-propensity"));
            owner.setDefault(maxContexts, serve.getInt("feedback-per-user"));
            owner.setDefault(handleInvalid, "error");
        }

        private static Param<String> column(Params owner, String name, String doc) {
            return new Param<>(owner, name, doc, new NonBlank());
        }
    }
}
