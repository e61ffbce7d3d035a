/**
 * Serving's decision and feedback log: every route decision and every feedback event as one line
 * of JSON in the interaction-log schema ({@code data-schemas/interaction-log.schema.json}), in
 * size- and age-rotated files under {@code --log-dir}, which the jobs' {@code ingest} command turns
 * into {@code dt=} Parquet partitions for the next {@code train}.
 * <ul>
 *   <li>{@link ai.metarouter.core.serve.log.InteractionEventJson}: the one line format, written here
 *       and parsed (strictly, with a reason for every rejection) by {@code ingest};</li>
 *   <li>{@link ai.metarouter.core.serve.log.RotatingEventLog}: a bounded queue drained by one writer
 *       thread that group-commits (one fsync for many events) and rotates files;</li>
 *   <li>{@link ai.metarouter.core.serve.log.LogFileNames}: which files are complete (ingestible) and
 *       which one is still being written.</li>
 * </ul>
 */
package ai.metarouter.core.serve.log;
