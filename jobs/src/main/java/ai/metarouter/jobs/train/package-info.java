/**
 * The {@code train} job (method.md section 4): distributed meta-training on Spark, thin over
 * {@code core.learn}.
 * <ul>
 *   <li>{@link ai.metarouter.jobs.train.UserTasks}: split the interaction log by user (one user's
 *       events never split), cap per user with reproducible sampling, build each
 *       {@link ai.metarouter.core.learn.UserTask} once and persist it serialised
 *       ({@link ai.metarouter.jobs.train.PreparedUserCodec}); users with too little data are counted
 *       and skipped ({@link ai.metarouter.jobs.train.PreparationStats});</li>
 *   <li>{@link ai.metarouter.jobs.train.SparkMetaTrainer}: the outer loop (broadcast, per-user
 *       objective in mapPartitions, treeAggregate of the core accumulator, optimiser step on the
 *       driver, broadcast destroyed), Adam over sampled users or Breeze L-BFGS over all users
 *       through {@link ai.metarouter.jobs.train.BreezeLbfgs}, the only class that touches Breeze;</li>
 *   <li>{@link ai.metarouter.jobs.train.TrainCheckpoints}: checkpoints through the Hadoop
 *       FileSystem, so a killed job resumes and reaches the same artifact;</li>
 *   <li>{@link ai.metarouter.jobs.train.TrainJob} and {@link ai.metarouter.jobs.train.TrainCommand}:
 *       the job top to bottom and its CLI, publishing through
 *       {@link ai.metarouter.core.model.RouterArtifacts} and the artifact registry;</li>
 *   <li>{@link ai.metarouter.jobs.train.TrainBenchmark}: the scale benchmark behind {@code scripts/bench-train}.</li>
 * </ul>
 */
package ai.metarouter.jobs.train;
