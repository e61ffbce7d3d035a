package ai.metarouter.core.serve.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP/1.1 load generator over raw keep-alive sockets: {@code connections} threads,
 * each with one connection, each sending the next request as soon as the previous response is
 * read. Raw sockets, not an HTTP client library, so that the generator costs little CPU next to
 * the server on a small machine. Bounded: it stops at {@code duration} or {@code maxRequests},
 * whichever comes first, and only talks to a loopback address (it refuses anything else).
 *
 * <p>A request fails when the connection breaks, the status is not 2xx, or the caller's {@link
 * Check} rejects the body. Latency is from the first byte written to the last byte read.
 */
public final class LoadGenerator {
    /** A verdict on one response (status and body); runs on the generator's threads. */
    public interface Check {
        boolean ok(int status, byte[] body);
    }

    /**
     * @param host a loopback address
     * @param port server port
     * @param connections concurrent keep-alive connections (= requests in flight)
     * @param warmup requests in the first {@code warmup} are sent but not measured
     * @param duration measured duration after warm-up
     * @param maxRequests stop after this many measured requests in all (a hard bound)
     * @param method {@code GET} or {@code POST}
     * @param path request path
     * @param bodies request bodies, used round robin (empty list for GET)
     * @param authToken bearer token or null
     * @param check extra verdict on 2xx responses, or null
     */
    public record Config(String host, int port, int connections, Duration warmup, Duration duration, long maxRequests,
                         String method, String path, List<byte[]> bodies, String authToken, Check check) {
        public Config {
            if (connections < 1 || connections > 1024) throw new IllegalArgumentException("connections must be in [1, 1024]");
            if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("duration must be > 0");
            if (maxRequests < 1) throw new IllegalArgumentException("maxRequests must be >= 1");
            bodies = List.copyOf(bodies);
            if (method.equals("POST") && bodies.isEmpty()) throw new IllegalArgumentException("POST needs bodies");
        }
    }

    /**
     * What happened.
     *
     * @param requests measured requests completed (ok + failed)
     * @param failed measured requests that failed
     * @param byStatus measured requests by status code (0 = connection error)
     * @param seconds measured wall time
     * @param p50Millis median latency
     * @param p99Millis 99th percentile latency
     * @param p999Millis 99.9th percentile latency
     * @param maxMillis largest latency
     * @param firstFailure the first failure's description, or null
     */
    public record Report(long requests, long failed, Map<Integer, Long> byStatus, double seconds, double p50Millis,
                         double p99Millis, double p999Millis, double maxMillis, String firstFailure) {
        public double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private LoadGenerator() {}

    public static Report run(Config config) throws InterruptedException, IOException {
        InetAddress address = InetAddress.getByName(config.host());
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the load generator only targets loopback addresses, not " + config.host());
        }
        long start = System.nanoTime();
        long measureFrom = start + config.warmup().toNanos();
        long deadline = measureFrom + config.duration().toNanos();
        AtomicLong budget = new AtomicLong(config.maxRequests());
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < config.connections(); i++) {
            Worker w = new Worker(config, new InetSocketAddress(address, config.port()), i, measureFrom, deadline, budget);
            workers.add(w);
            w.start();
        }
        for (Worker w : workers) w.join();
        double seconds = (Math.min(System.nanoTime(), deadline) - measureFrom) / 1e9;
        LatencyHistogram all = new LatencyHistogram();
        Map<Integer, Long> byStatus = new TreeMap<>();
        long failed = 0;
        String firstFailure = null;
        for (Worker w : workers) {
            all.add(w.latencies);
            w.byStatus.forEach((k, v) -> byStatus.merge(k, v, Long::sum));
            failed += w.failed;
            if (firstFailure == null) firstFailure = w.firstFailure;
        }
        return new Report(all.count(), failed, byStatus, Math.max(seconds, 1e-9), all.quantileMillis(0.5), all.quantileMillis(0.99),
                all.quantileMillis(0.999), all.maxMillis(), firstFailure);
    }

    /** One connection's loop. */
    private static final class Worker extends Thread {
        private final Config config;
        private final InetSocketAddress address;
        private final int index;
        private final long measureFrom;
        private final long deadline;
        private final AtomicLong budget;
        final LatencyHistogram latencies = new LatencyHistogram();
        final Map<Integer, Long> byStatus = new TreeMap<>();
        long failed;
        String firstFailure;

        Worker(Config config, InetSocketAddress address, int index, long measureFrom, long deadline, AtomicLong budget) {
            super("load-" + index);
            setDaemon(true);
            this.config = config;
            this.address = address;
            this.index = index;
            this.measureFrom = measureFrom;
            this.deadline = deadline;
            this.budget = budget;
        }

        @Override
        public void run() {
            Socket socket = null;
            long n = index;
            while (System.nanoTime() < deadline) {
                boolean measured = System.nanoTime() >= measureFrom;
                if (measured && budget.getAndDecrement() <= 0) break;
                long t0 = System.nanoTime();
                int status;
                String failure = null;
                try {
                    if (socket == null) socket = connect();
                    byte[] body = config.bodies().isEmpty() ? null : config.bodies().get((int) (n % config.bodies().size()));
                    writeRequest(socket.getOutputStream(), body);
                    Response r = readResponse(socket.getInputStream());
                    status = r.status;
                    if (status < 200 || status > 299) failure = "status " + status + ": " + new String(r.body, StandardCharsets.UTF_8);
                    else if (config.check() != null && !config.check().ok(status, r.body)) {
                        failure = "check rejected: " + new String(r.body, StandardCharsets.UTF_8);
                    }
                    if (r.close) {
                        socket.close();
                        socket = null;
                    }
                } catch (IOException e) {
                    status = 0;
                    failure = "connection error: " + e;
                    closeQuietly(socket);
                    socket = null;
                }
                long elapsed = System.nanoTime() - t0;
                n += config.connections();
                if (!measured) continue;
                latencies.record(elapsed);
                byStatus.merge(status, 1L, Long::sum);
                if (failure != null) {
                    failed++;
                    if (firstFailure == null) firstFailure = failure;
                }
            }
            closeQuietly(socket);
        }

        private Socket connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(address, 5000);
            s.setSoTimeout(30_000);
            return s;
        }

        private void writeRequest(OutputStream out, byte[] body) throws IOException {
            StringBuilder head = new StringBuilder(160)
                    .append(config.method()).append(' ').append(config.path()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(config.host()).append(':').append(address.getPort()).append("\r\n");
            if (config.authToken() != null) head.append("Authorization: Bearer ").append(config.authToken()).append("\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
            if (body == null) {
                out.write(h);
            } else {
                byte[] all = new byte[h.length + body.length];
                System.arraycopy(h, 0, all, 0, h.length);
                System.arraycopy(body, 0, all, h.length, body.length);
                out.write(all);
            }
            out.flush();
        }

        private BufferedInputStream in;
        private InputStream rawIn;

        private Response readResponse(InputStream raw) throws IOException {
            if (rawIn != raw) {
                rawIn = raw;
                in = new BufferedInputStream(raw, 16384);
            }
            String statusLine = readLine(in);
            if (statusLine == null) throw new IOException("connection closed before a response");
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("bad status line: " + statusLine);
            int status = Integer.parseInt(parts[1]);
            int length = -1;
            boolean close = false;
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String name = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (name.equalsIgnoreCase("Content-Length")) length = Integer.parseInt(value);
                else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) close = true;
                else if (name.equalsIgnoreCase("Transfer-Encoding")) throw new IOException("chunked responses are not expected");
            }
            if (line == null) throw new IOException("connection closed in the headers");
            byte[] body = new byte[Math.max(0, length)];
            int read = 0;
            while (read < body.length) {
                int r = in.read(body, read, body.length - read);
                if (r < 0) throw new IOException("connection closed in the body");
                read += r;
            }
            return new Response(status, body, close);
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder(64);
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int len = b.length();
                    if (len > 0 && b.charAt(len - 1) == '\r') b.setLength(len - 1);
                    return b.toString();
                }
                b.append((char) c);
                if (b.length() > 16384) throw new IOException("header line too long");
            }
            return b.length() == 0 ? null : b.toString();
        }

        private static void closeQuietly(Socket s) {
            if (s == null) return;
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing a broken connection; nothing to report.
            }
        }
    }

    private record Response(int status, byte[] body, boolean close) {
        Response {
            Objects.requireNonNull(body);
        }
    }
}
