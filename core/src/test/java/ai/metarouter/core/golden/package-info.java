/**
 * The golden set that ties every non-JVM artifact reader to the Java router: {@link
 * ai.metarouter.core.golden.GoldenRouterSet} writes a small registry, inputs (queries, users'
 * feedback, candidate subsets, explorations) and the outputs this build computes for them under
 * {@code data-schemas/golden/router/}; {@code GoldenRouterSetTest} fails when this build computes
 * anything else, so a change of the model's math cannot reach the Python reader's users unnoticed.
 * Regenerate with {@code scripts/regenerate-goldens}.
 */
package ai.metarouter.core.golden;
