package ai.metarouter.core.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.serve.RouterService;
import ai.metarouter.core.serve.ServeConfig;
import ai.metarouter.core.serve.ServeTestKit;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutdown finishes what is in flight: a route request whose body is still arriving when
 * {@code close()} starts is completed (200, a valid decision, logged), while requests that arrive
 * after shutdown began are refused with 503 and health says "draining".
 */
class GracefulShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void aRequestInFlightWhenShutdownStartsIsCompletedAndLogged() throws Exception {
        Path registry = ServeTestKit.registry(tmp.resolve("registry"));
        Path logs = tmp.resolve("logs");
        ServeConfig config = ServeTestKit.config(registry).logDir(logs).shutdownGrace(java.time.Duration.ofSeconds(60)).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        RouterService service = RouterService.start(config, Clock.systemUTC(), quiet);
        HttpRouterServer server = HttpRouterServer.start(service, config, quiet);
        byte[] body = "{\"user_id\":\"slow\",\"query\":\"a request that is still arriving\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/route HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            waitFor(() -> server.inFlight() == 1, "the handler is reading the body");

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            ServeTestKit.Response health = ServeTestKit.get(server.baseUrl() + "/healthz");
            for (long deadline = System.nanoTime() + 10_000_000_000L; health.status() != 503 && System.nanoTime() < deadline; ) {
                Thread.sleep(10);
                health = ServeTestKit.get(server.baseUrl() + "/healthz");
            }
            assertEquals(503, health.status(), "draining");
            assertTrue(health.body().contains("\"status\":\"draining\""), health.body());
            ServeTestKit.Response late = ServeTestKit.post(server.baseUrl() + "/v1/route", "{\"user_id\":\"late\",\"query\":\"q\"}");
            assertEquals(503, late.status(), late.body());
            Thread.sleep(200);
            assertFalse(closing.isDone(), "close() waits for the request in flight");

            out.write(body, 10, body.length - 10);
            out.flush();
            String response = readAll(socket.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("\"artifact_version\":1"), response);
            closing.get(10, TimeUnit.SECONDS);
        } finally {
            server.close();
            service.close();
        }
        long slowDecisions;
        try (Stream<Path> files = Files.list(logs)) {
            slowDecisions = files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                    .flatMap(f -> lines(f).stream()).filter(l -> l.contains("\"user_id\":\"slow\"")).count();
        }
        assertEquals(1, slowDecisions, "the completed decision is in the log");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }

    private static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The response head and its body (Content-Length bytes). */
    private static String readAll(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
