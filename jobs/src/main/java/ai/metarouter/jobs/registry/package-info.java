/**
 * The artifact registry on Hadoop file systems and its operator command.
 *
 * <p>{@link ai.metarouter.jobs.registry.HadoopArtifactStore} implements core's
 * {@link ai.metarouter.core.artifact.ArtifactStore} over Hadoop's FileSystem/FileContext API so
 * that the one registry implementation in core ({@link ai.metarouter.core.artifact.ArtifactRegistry})
 * works on {@code hdfs:} and {@code s3a:} as well as local disks; it is found by URI scheme through
 * {@link ai.metarouter.jobs.registry.HadoopArtifactStoreProvider}.
 * The operator commands: {@link ai.metarouter.jobs.registry.PromoteCommand} ({@code metarouter
 * promote}, also rollback), {@link ai.metarouter.jobs.registry.ExportCommand} ({@code metarouter
 * export}, copying a verified version to another registry) and
 * {@link ai.metarouter.jobs.registry.VersionsCommand} ({@code metarouter versions}, listing and
 * staging clean-up). Nothing here needs Spark. The build packages the store alone as
 * {@code metarouter-jobs-<version>-hadoop-store.jar}, which {@code scripts/metarouter serve} puts on
 * serve's core-only class path for {@code hdfs:}/{@code s3a:} registries.
 */
package ai.metarouter.jobs.registry;
