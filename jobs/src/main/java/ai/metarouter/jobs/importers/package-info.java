/**
 * Importers of external benchmarks into MetaRouter's outcome dataset directory
 * ({@link ai.metarouter.jobs.io.OutcomeDatasetLayout}). Today: RouterBench
 * ({@code import-routerbench}, {@link ai.metarouter.jobs.importers.RouterBenchImporter}).
 *
 * <h2>How a RouterBench download is read</h2>
 * Wide CSVs as pandas writes them (quoted fields that span lines, {@code "} doubled inside quotes),
 * read with the univocity parser Spark itself uses, one task per file. The model list comes from
 * the header: every {@code <model>|total_cost} column with its bare {@code <model>} score column;
 * {@code |model_response} columns, {@code oracle_model_to_route_to} and the pandas index are
 * ignored. {@code prompt} is a Python list literal ({@code ['...']} or {@code ["..."]}, Python
 * escapes); its strings are joined with a newline. The task is {@code eval_name}; the split comes
 * from the file name ({@code *_train.csv}, {@code *_test.csv}).
 *
 * <h2>Decisions on dirty data (nothing is dropped silently)</h2>
 * Every source row ends up exactly once as accepted, merged or quarantined, and
 * {@link ai.metarouter.jobs.importers.ImportReport} refuses to exist unless
 * rows in = accepted + quarantined (overall, per reason, per file).
 * <ul>
 *   <li><b>Empty scores or costs</b> quarantine the whole row, not single cells: the outcome
 *       table is dense (every query has every model), because the oracle, the per-query
 *       comparisons of evaluation and the preference pairs of training all need every model's
 *       outcome on the same query; a partial query would bias them. Reason {@code empty_score} /
 *       {@code empty_cost}, the detail names the columns.</li>
 *   <li><b>Invalid values</b> (non-numeric, NaN, infinite or outside [0, 1] scores; non-numeric, NaN,
 *       infinite or negative costs; unparseable prompts; rows with the wrong number of fields) mean
 *       the file is not what it claims to be: by default the import stops with a one-line error
 *       naming file, row, line and column and writes nothing; {@code --on-invalid quarantine}
 *       quarantines those rows instead.</li>
 *   <li><b>Duplicated sample_ids</b>: rows that agree on task, prompt, every score and every cost
 *       are imported once (the others count as merged); rows that differ in any of them are all
 *       quarantined as {@code duplicate_id_conflict}, naming the differing columns, because no
 *       one can tell which is right.</li>
 *   <li><b>Ids in both train and test</b> are listed in the report ({@code cross_split_ids}). When
 *       the rows agree the query is kept in test and the train row is quarantined as
 *       {@code cross_split_duplicate}; when they conflict all are quarantined. Either way no test
 *       query reaches the train split.</li>
 *   <li>A row with several problems is quarantined under the first by
 *       {@link ai.metarouter.jobs.importers.ProblemKind} precedence; all are in its detail and in
 *       {@code problems_by_kind}.</li>
 * </ul>
 * Structural problems fail the import with a one-line error and leave no output: a missing input,
 * a directory without CSVs, a file name without a split, an empty file or one with only a header,
 * missing or unpaired columns, files whose model sets differ, broken CSV quoting, or nothing left
 * to import.
 */
package ai.metarouter.jobs.importers;
