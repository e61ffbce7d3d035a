/**
 * The HTTP API of {@code data-schemas/openapi.yaml} on the JDK's built-in
 * {@code com.sun.net.httpserver} (no framework: serving embeds core and nothing else):
 * {@code POST /v1/route}, {@code POST /v1/feedback}, {@code POST /v1/elicit}, {@code GET /v1/models}, {@code GET /healthz},
 * {@code GET /metrics}. {@link ai.metarouter.core.serve.http.RequestBodies} parses request bodies
 * strictly (unknown or duplicate keys, wrong JSON types, out-of-range numbers are 400s with a
 * message); {@link ai.metarouter.core.serve.http.ResponseBodies} writes responses;
 * {@link ai.metarouter.core.serve.http.RouterHttpHandler} adds bearer authentication, the body size
 * limit, method and media-type checks and metrics; {@link ai.metarouter.core.serve.http.HttpRouterServer}
 * owns the socket, the bounded handler pool and graceful shutdown.
 */
package ai.metarouter.core.serve.http;
