/**
 * Reading and writing MetaRouter's datasets through Hadoop FileSystem ({@code file:}, {@code hdfs:},
 * {@code s3a:} or plain paths): the Spark schemas derived from {@code data-schemas/}
 * ({@link ai.metarouter.jobs.io.Schemas}), the outcome dataset directory
 * ({@link ai.metarouter.jobs.io.OutcomeDatasets}, laid out by
 * {@link ai.metarouter.jobs.io.OutcomeDatasetLayout}), the interaction log
 * ({@link ai.metarouter.jobs.io.InteractionLogs}) and all-or-nothing job output
 * ({@link ai.metarouter.jobs.io.SafeOutput}). Every job that touches these formats goes through
 * here, so a format is defined once.
 */
package ai.metarouter.jobs.io;
