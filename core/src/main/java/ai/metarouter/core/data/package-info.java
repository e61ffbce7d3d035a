/**
 * The data MetaRouter learns from, as plain values: the outcome table (what each model did on each
 * query), the model catalog, the cost normalisation, users' utility profiles, and interaction
 * events (route decisions and feedback). Spark jobs, the simulator, training and serving all
 * speak these types, so a column means the same thing everywhere.
 */
package ai.metarouter.core.data;
