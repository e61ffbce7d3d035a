/**
 * {@code metarouter ingest --input <serve log-dir> --output <logs dir>}: turns what {@code serve}
 * logged (JSON lines, {@code core.serve.log}) into the interaction log that {@code train} reads
 * ({@code dt=yyyy-MM-dd} Parquet partitions, {@link ai.metarouter.jobs.io.InteractionLogs}).
 * <ul>
 *   <li>Only complete files ({@code events-*.jsonl}) are read; files still being written
 *       ({@code .inprogress}) are listed in the report and left for the next run.</li>
 *   <li>Every line is validated by the same strict parser serving's format is defined by
 *       ({@code InteractionEventJson.parse}); a line that fails, is empty, too long, not UTF-8, or
 *       repeats an event id already accepted (serve may rewrite a batch after a disk error) goes to
 *       {@code quarantine/} with its file, line number, reason code and reason.</li>
 *   <li>Counts reconcile or the job fails: lines in = events accepted + lines quarantined, per file
 *       and in all ({@code ingest-report.json}).</li>
 *   <li>The output is written under a hidden staging directory and renamed into place
 *       ({@link ai.metarouter.jobs.io.SafeOutput}); an existing output is refused unless
 *       {@code --overwrite}.</li>
 * </ul>
 * One Spark task reads whole files (so line numbers are exact); the file list is made on the driver.
 */
package ai.metarouter.jobs.ingest;
