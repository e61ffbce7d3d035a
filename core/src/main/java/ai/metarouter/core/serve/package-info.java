/**
 * Serving: the Spark-free router that users meet. {@link ai.metarouter.core.serve.RouterService}
 * is the library API (load the promoted artifact version from a registry, route a query for a user
 * over an optional candidate subset, take feedback and adapt that user at once); the HTTP server in
 * {@code serve.http} is one client of it, tests and evaluation are others.
 * <ul>
 *   <li>{@code serve.reload}: the verified version being served, and hot reload of {@code LATEST};</li>
 *   <li>{@code serve.state}: users' feedback and adapted states, bounded in memory and persisted;</li>
 *   <li>{@code serve.log}: every decision and feedback event in the interaction-log schema;</li>
 *   <li>{@code serve.metrics}: Prometheus metrics;</li>
 *   <li>{@code serve.http}: the HTTP API of {@code data-schemas/openapi.yaml};</li>
 *   <li>{@code serve.bench}: the loopback load generator and the serving benchmark.</li>
 * </ul>
 * {@link ai.metarouter.core.serve.ServeMain} is {@code scripts/metarouter serve}.
 */
package ai.metarouter.core.serve;
