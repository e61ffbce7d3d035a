/**
 * MetaRouter in Spark's MLlib Pipeline API, for Spark users and for PySpark's {@code JavaEstimator}
 * wrapper pattern.
 * <ul>
 *   <li>{@link ai.metarouter.jobs.ml.MetaRouterEstimator}: an {@code Estimator} whose {@code fit}
 *       on an interaction-log DataFrame runs the {@code train} command's distributed
 *       meta-training ({@code ai.metarouter.jobs.train.TrainJob#train}, the same function), with
 *       the training settings as MLlib Params whose defaults are {@code metarouter.train} of
 *       conf/metarouter.conf;</li>
 *   <li>{@link ai.metarouter.jobs.ml.MetaRouterModel}: a {@code Model} whose {@code transform}
 *       routes a DataFrame of (user, query, optional feedback contexts, optional candidates) with
 *       the serving library's calls (adaptation, scores, seeded exploration), so a batch decision
 *       equals what {@code serve} answers for the same user, feedback, query and event id;</li>
 *   <li>persistence in the registry's artifact format: a saved model directory is a registry
 *       holding one promoted version (plus MLlib's {@code metadata/} with the Params), and a
 *       registry or one of its {@code v<N>} directories loads as a model.</li>
 * </ul>
 * The shared column and routing Params are in {@link ai.metarouter.jobs.ml.RoutingParams}.
 */
package ai.metarouter.jobs.ml;
