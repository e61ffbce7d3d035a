/**
 * How MetaRouter learns, as pure functions that the Spark trainer, the single-machine
 * {@link ai.metarouter.core.learn.ReferenceTrainer} and serving share:
 * <ul>
 *   <li>{@link ai.metarouter.core.learn.InnerLoop}: per-user adaptation (Meta-SGD steps on the
 *       context loss) and its exact reverse-mode derivative;</li>
 *   <li>{@link ai.metarouter.core.learn.UserTask} / {@link ai.metarouter.core.learn.UserTaskBuilder}:
 *       one user's time-ordered events in primitive form;</li>
 *   <li>{@link ai.metarouter.core.learn.UserMetaObjective}: one user's meta-loss and its exact
 *       gradient with respect to every meta-parameter, a function of (meta-parameters, the user's
 *       events, seed, iteration) only;</li>
 *   <li>{@link ai.metarouter.core.learn.GradientAccumulator}: order-robust (compensated) sums that
 *       merge in any grouping, for {@code treeAggregate};</li>
 *   <li>{@link ai.metarouter.core.learn.Adam}, {@link ai.metarouter.core.learn.UserSampler} and
 *       {@link ai.metarouter.core.learn.OuterStep}: the driver's step, identical in every trainer;</li>
 *   <li>the outcome predictor's trainer, evaluation and new-arm onboarding.</li>
 * </ul>
 * Everything random draws from {@link java.util.SplittableRandom} seeded by
 * {@link ai.metarouter.core.featurize.StableHash} from (seed, iteration, id), so results do not
 * depend on which machine or thread computes them.
 */
package ai.metarouter.core.learn;
