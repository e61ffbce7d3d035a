package ai.metarouter.core.serve.http;

import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server: the JDK's {@code com.sun.net.httpserver} on one socket, with a fixed pool of
 * handler threads and a bounded queue in front of it. When the queue is full the dispatcher thread
 * runs the request itself, which stops it accepting new connections: overload turns into TCP
 * backpressure instead of unbounded memory.
 *
 * <p>{@link #close()} is graceful: new requests get 503 ({@code /healthz} says "draining", so a load
 * balancer stops sending), requests already in flight or queued finish (up to the shutdown grace),
 * then the socket closes. The JDK server's own {@code stop(delay)} is not relied on for this: on
 * Java 17 it may wait the whole delay even when nothing is in flight.
 */
public final class HttpRouterServer implements AutoCloseable {
    static {
        // Responses are written as headers then body; with Nagle's algorithm and delayed ACKs a
        // keep-alive client would wait ~40 ms per request. Operators may still override these.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        // A client that trickles its request (slowloris) would hold a handler thread forever.
        setIfAbsent("sun.net.httpserver.maxReqTime", "60");
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final RouterHttpHandler handler;
    private final Duration shutdownGrace;
    private final PrintStream log;
    private boolean closed;

    private HttpRouterServer(HttpServer server, ThreadPoolExecutor executor, RouterHttpHandler handler, Duration shutdownGrace,
                             PrintStream log) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.shutdownGrace = shutdownGrace;
        this.log = log;
    }

    /** Binds {@code config.host():config.port()} and starts serving {@code service}. */
    public static HttpRouterServer start(RouterService service, ServeConfig config, PrintStream log) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), config.queueCapacity());
        AtomicInteger threadNo = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), r -> {
                    Thread t = new Thread(r, "metarouter-http-" + threadNo.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        RouterHttpHandler handler = new RouterHttpHandler(service, new BearerAuth(config.authToken()), config.maxBodyBytes(), log);
        server.createContext("/", handler);
        service.metrics().gauge("metarouter_http_requests_in_flight", "HTTP requests being handled now.", handler::inFlight);
        server.setExecutor(executor);
        server.start();
        return new HttpRouterServer(server, executor, handler, config.shutdownGrace(), log);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests being handled now. */
    public int inFlight() {
        return handler.inFlight();
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    /** Drains (new requests get 503), waits for in-flight and queued requests, then closes the socket. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        handler.drain();
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        while ((handler.inFlight() > 0 || !executor.getQueue().isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int unfinished = handler.inFlight() + executor.getQueue().size();
        if (unfinished > 0) log.println("metarouter serve: " + unfinished + " requests did not finish within the shutdown grace");
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(Math.max(1, shutdownGrace.toMillis()), TimeUnit.MILLISECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
