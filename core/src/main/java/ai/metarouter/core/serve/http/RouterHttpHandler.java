package ai.metarouter.core.serve.http;

import ai.metarouter.core.serve.InvalidRequestException;
import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServiceUnavailableException;
import ai.metarouter.core.serve.metrics.PrometheusWriter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every request: endpoint lookup, draining check, method check, bearer authentication, media type
 * and body size limit, dispatch to the {@link RouterService}, error mapping, metrics. Errors are
 * {@code {"error": "..."}} with 400 (bad input), 401, 404, 405, 415, 503 (draining, or the log or
 * store cannot keep up) or 500 (a bug; the stack trace goes to stderr, not to the client).
 */
final class RouterHttpHandler implements HttpHandler {
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    /** Metrics code of a request whose client went away before the response was written. */
    private static final int CLIENT_GONE = 499;

    private final RouterService service;
    private final BearerAuth auth;
    private final int maxBodyBytes;
    private final PrintStream errors;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    RouterHttpHandler(RouterService service, BearerAuth auth, int maxBodyBytes, PrintStream errors) {
        this.service = service;
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
        this.errors = errors;
    }

    /** From now on every request but {@code /healthz} is refused with 503 (and health says "draining"). */
    void drain() {
        draining = true;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** A response decided but not yet written: the request is counted before it goes out. */
    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, byte[] body) {
            return new Reply(status, JSON_TYPE, body, Map.of());
        }

        static Reply error(int status, String message, Map<String, String> headers) {
            return new Reply(status, JSON_TYPE, ResponseBodies.error(message), headers);
        }

        /** Nothing to write: the client went away while the request was read. */
        static final Reply CLIENT_GONE_REPLY = new Reply(CLIENT_GONE, null, null, Map.of());
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        Endpoint endpoint = Endpoint.of(exchange.getRequestURI().getPath());
        Reply reply;
        try {
            reply = dispatch(exchange, endpoint);
        } catch (HttpError e) {
            reply = Reply.error(e.status(), e.getMessage(), e.headers());
        } catch (InvalidRequestException e) {
            reply = Reply.error(400, e.getMessage(), Map.of());
        } catch (ServiceUnavailableException e) {
            reply = Reply.error(503, e.getMessage(), Map.of("Retry-After", "1"));
        } catch (IOException e) {
            reply = Reply.CLIENT_GONE_REPLY;
        } catch (RuntimeException e) {
            errors.println("metarouter serve: internal error on " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath() + ":");
            e.printStackTrace(errors);
            reply = Reply.error(500, "internal error (" + e.getClass().getSimpleName() + "); see the server log", Map.of());
        }
        // Counted before any byte of the response is written, so a client that has its response
        // sees its own request in the next /metrics. The latency is the time to decide the reply.
        service.metrics().request(endpoint == null ? Endpoint.UNKNOWN_LABEL : endpoint.label, reply.status(), System.nanoTime() - start);
        try {
            write(exchange, reply);
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    private Reply dispatch(HttpExchange exchange, Endpoint endpoint) throws IOException {
        if (endpoint == null) {
            throw new HttpError(404, "no endpoint " + exchange.getRequestURI().getPath()
                    + " (endpoints: POST /v1/route, POST /v1/feedback, POST /v1/elicit, GET /v1/models, GET /healthz, GET /metrics)");
        }
        if (!endpoint.method.equals(exchange.getRequestMethod())) {
            throw new HttpError(405, endpoint.path + " accepts " + endpoint.method + ", not " + exchange.getRequestMethod(),
                    Map.of("Allow", endpoint.method));
        }
        if (draining && endpoint != Endpoint.HEALTHZ) {
            throw new HttpError(503, "the server is shutting down", Map.of("Connection", "close"));
        }
        if (endpoint.authenticated && !auth.permits(exchange.getRequestHeaders().getFirst("Authorization"))) {
            throw new HttpError(401, "missing or wrong bearer token", Map.of("WWW-Authenticate", "Bearer realm=\"metarouter\""));
        }
        return switch (endpoint) {
            case ROUTE -> Reply.json(200, ResponseBodies.route(service.route(RequestBodies.route(body(exchange)))));
            case FEEDBACK -> {
                service.feedback(RequestBodies.feedback(body(exchange)));
                yield new Reply(204, null, null, Map.of());
            }
            case ELICIT -> Reply.json(200, ResponseBodies.elicit(service.elicit(RequestBodies.elicit(body(exchange)))));
            case MODELS -> Reply.json(200, ResponseBodies.models(service.version()));
            case HEALTHZ -> Reply.json(draining ? 503 : 200, ResponseBodies.health(service.health(), draining));
            case METRICS -> new Reply(200, PrometheusWriter.CONTENT_TYPE, service.metrics().scrape().getBytes(StandardCharsets.UTF_8),
                    Map.of());
        };
    }

    /** The request body, at most {@code maxBodyBytes}, of a JSON request. */
    private byte[] body(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!mediaType.equals("application/json")) {
                throw new HttpError(415, "Content-Type must be application/json, got " + contentType);
            }
        }
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                length = -2;
            }
            if (length < 0) throw new HttpError(400, "Content-Length is not a non-negative number: " + declared);
            // Refused before reading: the connection is closed rather than drained of a large body.
            if (length > maxBodyBytes) throw tooLarge();
        }
        // One byte more than declared (or than the limit) so that the end of the stream is seen.
        byte[] buf = new byte[length >= 0 ? (int) length + 1 : Math.min(8192, maxBodyBytes + 1)];
        int n = 0;
        try (InputStream in = exchange.getRequestBody()) {
            while (true) {
                if (n == buf.length) {
                    if (buf.length > maxBodyBytes) throw tooLarge();
                    buf = Arrays.copyOf(buf, Math.min(maxBodyBytes + 1, buf.length * 2));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
            }
        }
        if (n > maxBodyBytes) throw tooLarge();
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private HttpError tooLarge() {
        return new HttpError(400, "the request body is larger than " + maxBodyBytes + " bytes", Map.of("Connection", "close"));
    }

    /** Writes a reply; a client that left meanwhile is not an error (its request is already counted). */
    private static void write(HttpExchange exchange, Reply reply) {
        if (reply.status() == CLIENT_GONE) return;
        try {
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        } catch (IOException | RuntimeException e) {
            // The client left, or the response had already started; nothing more to do for it.
        }
    }
}
