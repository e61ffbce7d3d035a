/**
 * Query text to a sparse feature vector, bit-identical wherever it runs: the Spark trainer, the
 * reference trainer and the serving tier all call {@link ai.metarouter.core.featurize.HashedNgramFeaturizer}.
 * Also the project's stable (platform- and JVM-independent) string hashes, {@link
 * ai.metarouter.core.featurize.MurmurHash3} and {@link ai.metarouter.core.featurize.StableHash}, which
 * everything that derives a seed or a sample from an id uses, so that the same id means the same
 * random stream in every process.
 */
package ai.metarouter.core.featurize;
