/**
 * The artifact registry on Hadoop file systems and its operator command.
 *
 * <p>{@link ai.metarouter.jobs.registry.HadoopArtifactStore} implements core's
 * {@link ai.metarouter.core.artifact.ArtifactStore} over Hadoop's FileSystem/FileContext API so
 * that the one registry implementation in core ({@link ai.metarouter.core.artifact.ArtifactRegistry})
 * works on {@code hdfs:} and {@code s3a:} as well as local disks; it is found by URI scheme through
 * {@link ai.metarouter.jobs.registry.HadoopArtifactStoreProvider}.
 * {@link ai.metarouter.jobs.registry.PromoteCommand} is the {@code metarouter promote} command.
 * Nothing here needs Spark.
 */
package ai.metarouter.jobs.registry;
