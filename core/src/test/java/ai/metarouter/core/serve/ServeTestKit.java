package ai.metarouter.core.serve;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.UtilityProfile;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.serve.bench.SyntheticArtifacts;
import ai.metarouter.core.sim.SyntheticBenchmark;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What serving tests share: real artifacts (trained once per JVM and seed, about a second each),
 * registries in temp directories, the synthetic outcome data users give feedback about, simulated
 * users' comparisons, and a small HTTP client.
 */
public final class ServeTestKit {
    /** The seed of version 1 in every test registry; other seeds make genuinely different models. */
    public static final long SEED = 7;

    private static final Map<Long, MetaRouterModel> MODELS = new HashMap<>();
    private static final Map<Long, SyntheticBenchmark.Dataset> DATA = new HashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServeTestKit() {}

    public static synchronized MetaRouterModel model(long seed) {
        return MODELS.computeIfAbsent(seed, s -> SyntheticArtifacts.small(s).train());
    }

    /** The synthetic outcome data model(seed) was trained on. */
    public static synchronized SyntheticBenchmark.Dataset data(long seed) {
        SyntheticArtifacts spec = SyntheticArtifacts.small(seed);
        return DATA.computeIfAbsent(seed, s -> SyntheticBenchmark.generate(
                SyntheticBenchmark.Config.defaults(s).withQueries(spec.queries()).withModels(spec.models())));
    }

    private static MetaRouterModel passFailModel;

    /** model(SEED)'s recipe on pass/fail outcomes: the trainer gives it a utility basis without quality knots. */
    public static synchronized MetaRouterModel passFailModel() {
        if (passFailModel == null) {
            passFailModel = SyntheticArtifacts.small(SEED).withQualityMode(SyntheticBenchmark.QualityMode.BINARY).train();
        }
        return passFailModel;
    }

    /** A registry with passFailModel() published and promoted as version 1. */
    public static Path passFailRegistry(Path dir) throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(dir.toString())) {
            SyntheticArtifacts spec = SyntheticArtifacts.small(SEED).withQualityMode(SyntheticBenchmark.QualityMode.BINARY);
            r.promote(spec.publish(r, passFailModel()));
        }
        return dir;
    }

    /** Publishes model(seed) as the next version of the registry at {@code dir}; returns its number. */
    public static int publish(Path dir, long seed) throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(dir.toString())) {
            return SyntheticArtifacts.small(seed).publish(r, model(seed));
        }
    }

    public static void promote(Path dir, int version) throws IOException {
        try (ArtifactRegistry r = ArtifactRegistry.open(dir.toString())) {
            r.promote(version);
        }
    }

    /** A registry with model(SEED) published and promoted as version 1. */
    public static Path registry(Path dir) throws IOException {
        int v = publish(dir, SEED);
        promote(dir, v);
        return dir;
    }

    /** Flips one byte in the middle of a version's weights: the checksum no longer matches. */
    public static void corruptWeights(Path registry, int version) throws IOException {
        Path weights = registry.resolve(ArtifactLayout.versionDir(version)).resolve(ArtifactLayout.WEIGHTS_FILE);
        byte[] b = Files.readAllBytes(weights);
        b[b.length / 2] ^= 0x5a;
        Files.write(weights, b);
    }

    /** Points LATEST at a version by hand, without verification (what an operator's mistake does). */
    public static void pointLatestAt(Path registry, int version) throws IOException {
        Path tmp = registry.resolve("LATEST.tmp-test");
        Files.writeString(tmp, version + "\n");
        Files.move(tmp, registry.resolve(ArtifactLayout.LATEST_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Serving settings for tests: loopback, any free port, fast polling, few threads. */
    public static ServeConfig.Builder config(Path registry) {
        return ServeConfig.defaults(registry.toString()).host("127.0.0.1").port(0).threads(4)
                .pollInterval(Duration.ofMillis(50)).shutdownGrace(Duration.ofSeconds(5));
    }

    /** Test-split queries of the data (the prompts routed in tests). */
    public static List<String> testQueries(int n) {
        OutcomeTable test = data(SEED).outcomes().split("test");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n && i < test.numQueries(); i++) out.add(test.query(i).prompt());
        return out;
    }

    /**
     * k comparisons a user with utility {@code profile} makes: two different models' real outcomes
     * on a train-split query, preferred by true utility (deterministic given the seed).
     */
    public static List<Feedback.Pairwise> comparisons(UtilityProfile profile, int k, long seed) {
        SyntheticBenchmark.Dataset data = data(SEED);
        OutcomeTable train = data.outcomes().split("train");
        CostScale scale = data.catalog().costScale();
        SplittableRandom rng = new SplittableRandom(seed);
        List<Feedback.Pairwise> out = new ArrayList<>(k);
        while (out.size() < k) {
            int q = rng.nextInt(train.numQueries());
            int a = rng.nextInt(train.numModels());
            int b = rng.nextInt(train.numModels());
            if (a == b || !train.has(q, a) || !train.has(q, b)) continue;
            Outcome oa = new Outcome(train.model(a), train.quality(q, a), train.cost(q, a));
            Outcome ob = new Outcome(train.model(b), train.quality(q, b), train.cost(q, b));
            double ua = profile.utility(oa.quality(), oa.costUsd(), scale);
            double ub = profile.utility(ob.quality(), ob.costUsd(), scale);
            if (ua == ub) continue;
            out.add(new Feedback.Pairwise(train.query(q).prompt(), oa, ob, ua > ub));
        }
        return out;
    }

    /** Mean catalog cost of a model id. */
    public static double meanCost(String modelId) {
        return data(SEED).catalog().get(modelId).meanCostUsd();
    }

    /** A response: status, body, headers. */
    public record Response(int status, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            }
            return null;
        }
    }

    public static Response post(String url, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (!typed) b.header("Content-Type", "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }

    public static Response get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }

    public static Response send(String method, String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }
}
