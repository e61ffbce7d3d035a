/**
 * Versioned model artifacts and the registry that holds them.
 *
 * <p>What lives here: {@link ai.metarouter.core.artifact.ArtifactLayout} (the one owner of every
 * file name in a registry), {@link ai.metarouter.core.artifact.TensorBundle} and its binary codec
 * (the weights), {@link ai.metarouter.core.artifact.Manifest} and its JSON codec, SHA-256
 * {@link ai.metarouter.core.artifact.Checksums}, the storage SPI
 * ({@link ai.metarouter.core.artifact.ArtifactStore}, found by URI scheme through
 * {@link java.util.ServiceLoader}) with the {@code file:} implementation on {@code java.nio}, and
 * {@link ai.metarouter.core.artifact.ArtifactRegistry}, which publishes, verifies, loads and
 * promotes versions, and {@link ai.metarouter.core.artifact.VersionExport}, which copies a
 * verified version to another registry.
 *
 * <p>Why it is in core: training (Spark) writes artifacts and serving (no Spark, no Hadoop) reads
 * them, and both must agree byte for byte. The Hadoop-backed store for {@code hdfs:}/{@code s3a:}
 * lives in the jobs module and plugs in through the same SPI. The formats are documented in
 * {@code data-schemas/artifact-format.md} and {@code data-schemas/manifest.schema.json}.
 */
package ai.metarouter.core.artifact;
