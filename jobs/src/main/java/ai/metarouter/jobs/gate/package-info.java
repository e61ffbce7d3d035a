/**
 * {@code metarouter gate}: may a freshly trained candidate replace the registry's {@code LATEST}?
 * It compares the two {@code evaluate} outputs ({@code metrics.json}) of the candidate and of the
 * current {@code LATEST}, scored on the same held-out users with the same seed, and rejects the
 * candidate when it is worse than {@code LATEST} beyond configured tolerances on MetaRouter's
 * held-out utility and PGC at a chosen k (ID and OOD) or on the off-policy estimate of logged
 * route events. A registry without {@code LATEST} (the first version) has nothing to compare with:
 * {@code gate --no-baseline} then applies absolute sanity checks ({@code metarouter.gate.first-version}:
 * finite metrics, PGC at least a minimum per split). The nightly DAG
 * ({@code airflow-dags/metarouter_nightly.py}) promotes only after a pass. Nothing here starts
 * Spark or touches {@code LATEST}.
 */
package ai.metarouter.jobs.gate;
