package ai.metarouter.core.golden;

import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LocalArtifactStore;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.bandit.Exploration;
import ai.metarouter.core.bandit.Softmax;
import ai.metarouter.core.data.CostScale;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.elicit.ComparisonPlanner;
import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.featurize.HashedNgramFeaturizer;
import ai.metarouter.core.featurize.QueryFeatures;
import ai.metarouter.core.featurize.StableHash;
import ai.metarouter.core.model.ArmDescriptor;
import ai.metarouter.core.model.MetaBlock;
import ai.metarouter.core.model.MetaDimensions;
import ai.metarouter.core.model.MetaParameters;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.OutcomePredictor;
import ai.metarouter.core.model.PreferencePosterior;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.model.UserState;
import ai.metarouter.core.model.UtilityBasis;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The golden set that pins every non-JVM reader of artifacts (today {@code python/metarouter_reader})
 * to what the Java router computes, under {@code data-schemas/golden/router/}:
 * <ul>
 *   <li>{@code registry/}: a registry with two MetaRouter versions of deliberately different shapes
 *       (v1: basis d=7, H=16, Z=4, 1024 hashed 1..3-grams, normalised inner steps and policy; v2:
 *       a 5-term basis, H=6, Z=3, 256 case-sensitive unigrams, the Newton MAP inner solver (at most 12 iterations), plain policy, arms
 *       in another row order) and {@code LATEST} = 2. Their weights are seeded values, not trained,
 *       so every parameter (biases, step sizes, prior strengths, reward scale) is away from its
 *       initial value and matters;</li>
 *   <li>{@code golden-inputs.json}: queries (empty, whitespace, punctuation, code, many scripts,
 *       combining marks, zero-width and ideographic spaces, lone and paired surrogates, characters
 *       Java 17 does not know yet, 20,000 characters, 3,000 repeats of one word), users with 0 to
 *       8 feedback contexts (comparisons and rewards, extreme qualities, zero and huge costs),
 *       cases (version, user, query, candidate subset in any order, event id), explorations,
 *       extra featuriser specs and elicitations (version, user, query indices, candidates, comparisons
 *       already asked);</li>
 *   <li>{@code golden-outputs.json}: what this build computes for them: the features of every
 *       query under every spec, every user's latent z and adapted theta, and per case the expected
 *       quality and cost, the scores, the greedy choice and every exploration's probabilities,
 *       seeded choice and propensity; the Laplace posterior (mean, covariance) of some users; per
 *       elicitation the most informative comparison and its information with pass/fail and with
 *       graded quality outcomes ({@link ComparisonPlanner#mostInformative}).</li>
 * </ul>
 * {@code GoldenRouterSetTest} fails when this build no longer computes the committed outputs (a
 * change of the model's math, featuriser or exploration): regenerate them with
 * {@value #COMMAND} (after checking the change is intended), and update the non-JVM readers
 * until their tests pass again. {@code --new-artifacts} also rebuilds the registry, for a change
 * of the model mapping ({@link RouterArtifacts}) that the committed versions no longer load under.
 */
public final class GoldenRouterSet {
    /** The golden set's directory, relative to the repository root. */
    public static final String DIR = "data-schemas/golden/router";
    public static final String REGISTRY = "registry";
    public static final String INPUTS = "golden-inputs.json";
    public static final String OUTPUTS = "golden-outputs.json";
    /** How to regenerate (the script runs {@link #main} from the repository root). */
    public static final String COMMAND = "scripts/regenerate-goldens";
    /** Features are listed in full up to this many non-zeros (always summarised by a SHA-256). */
    static final int FULL_FEATURES = 64;
    /** Math.log1p(0 .. n-1) is listed, past the featuriser's table of 1024. */
    static final int LOG1P_INTEGERS = 1100;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private GoldenRouterSet() {}

    // ---------------------------------------------------------------- the golden artifacts

    /** The catalog of both versions (v2 lists the same models in another order). */
    static List<ModelInfo> catalog(int version) {
        List<ModelInfo> models = new ArrayList<>(List.of(
                new ModelInfo("gpt-4-1106-preview", 10.0, 30.0, 0.0123, 3120),
                new ModelInfo("claude-v2", 8.0, 24.0, 0.0098, 3120),
                new ModelInfo("gpt-3.5-turbo-1106", 1.0, 2.0, 0.00091, 3120),
                new ModelInfo("llama-70b-chat", 0.9, 0.9, 0.00063, 3120),
                new ModelInfo("mixtral-8x7b-chat", 0.6, 0.6, 0.00042, 3118),
                new ModelInfo("mistral-7b-chat", 0.2, 0.2, 0.0001, 3120),
                new ModelInfo("in-house-distilled", null, null, 0.00002, 0)));
        if (version == 2) {
            List<ModelInfo> rotated = new ArrayList<>(models.subList(3, models.size()));
            rotated.addAll(models.subList(0, 3));
            return rotated;
        }
        return models;
    }

    /** The model of golden version 1 or 2: seeded weights, every block away from its initial value. */
    static MetaRouterModel model(int version) {
        boolean v1 = version == 1;
        SplittableRandom rng = new SplittableRandom(v1 ? 101 : 202);
        FeatureSpec spec = v1 ? new FeatureSpec(1024, 3, 0x9E3779B9, true, FeatureSpec.ALGORITHM_VERSION)
                : new FeatureSpec(256, 1, 12345, false, FeatureSpec.ALGORITHM_VERSION);
        int rank = v1 ? 4 : 2;
        UtilityBasis basis = v1 ? UtilityBasis.defaults() : new UtilityBasis(new double[] {0.3, 0.6}, new double[] {0.7});
        MetaDimensions dims = v1 ? new MetaDimensions(basis.dimension(), 16, 4) : new MetaDimensions(basis.dimension(), 6, 3);
        ModelConfig config = v1 ? new ModelConfig(5, 0.7, 0.05, true, true) : new ModelConfig(12, 1.3, 0.2, false, false, ModelConfig.InnerSolver.NEWTON_MAP);

        List<ModelInfo> catalog = catalog(version);
        CostScale costScale = CostScale.fromCatalog(new ModelCatalog("synthetic", catalog));
        double[] projection = new double[spec.dim() * rank];
        for (int i = 0; i < projection.length; i++) projection[i] = 1.5 * MetaParameters.nextGaussian(rng);
        // Stronger (dearer) models get a higher quality bias, as trained predictors do.
        List<ModelInfo> byCost = new ArrayList<>(catalog);
        byCost.sort(Comparator.comparingDouble(ModelInfo::meanCostUsd));
        List<ArmDescriptor> arms = new ArrayList<>();
        for (ModelInfo m : catalog) {
            double[] e = new double[rank + 1];
            for (int k = 0; k < rank; k++) e[k] = 0.8 * MetaParameters.nextGaussian(rng);
            e[rank] = -0.5 + 2.5 * byCost.indexOf(m) / (catalog.size() - 1.0) + 0.3 * MetaParameters.nextGaussian(rng);
            double slope = rng.nextDouble(0.3, 0.9);
            arms.add(new ArmDescriptor(m, e, Math.log(Math.max(m.meanCostUsd(), CostScale.FLOOR_USD)) - slope * Math.log1p(30), slope));
        }
        OutcomePredictor predictor = new OutcomePredictor(spec.dim(), rank, projection, arms);

        double[] p = MetaParameters.initial(dims, rng.nextLong(), 4.0).toArray();
        for (int i = 0; i < p.length; i++) p[i] += 0.25 * MetaParameters.nextGaussian(rng);
        MetaParameters params = MetaParameters.of(dims, p);
        if (!v1) {
            // Plain Meta-SGD steps (no curvature normalisation) need small steps to stay stable at k = 8.
            double[] logAlpha = params.block(MetaBlock.LOG_ALPHA);
            for (int j = 0; j < logAlpha.length; j++) logAlpha[j] += Math.log(0.15);
            params = params.withBlock(MetaBlock.LOG_ALPHA, logAlpha);
        }
        return new MetaRouterModel(spec, predictor, costScale, basis, params, config);
    }

    /** Publishes golden versions 1 and 2 into an empty registry directory and promotes version 2. */
    static void writeRegistry(Path registryDir) throws IOException {
        Path staging = Files.createTempDirectory("golden-registry");
        try {
            Clock fixed = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
            try (ArtifactRegistry registry = new ArtifactRegistry(new LocalArtifactStore(staging), fixed)) {
                for (int version = 1; version <= 2; version++) {
                    MetaRouterModel model = model(version);
                    ObjectNode config = NODES.objectNode()
                            .put("source", GoldenRouterSet.class.getName())
                            .put("note", "deterministic seeded weights, not trained: the golden artifact of the non-JVM reader parity test");
                    ObjectNode metrics = NODES.objectNode();
                    Manifest.TrainingData data = new Manifest.TrainingData(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 1), 0, 0);
                    int published = registry.publish(RouterArtifacts.draft(model, data, config, metrics),
                            RouterArtifacts.weights(model), Map.of());
                    if (published != version) throw new IllegalStateException("expected version " + version + ", got " + published);
                }
                registry.promote(2);
            }
            deleteRecursively(registryDir);
            Files.createDirectories(registryDir);
            for (int version = 1; version <= 2; version++) {
                String dir = ArtifactLayout.versionDir(version);
                Files.createDirectories(registryDir.resolve(dir));
                try (Stream<Path> files = Files.list(staging.resolve(dir))) {
                    for (Path f : files.toList()) Files.copy(f, registryDir.resolve(dir).resolve(f.getFileName()));
                }
            }
            Files.copy(staging.resolve(ArtifactLayout.LATEST_FILE), registryDir.resolve(ArtifactLayout.LATEST_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteRecursively(staging);
        }
    }

    // ---------------------------------------------------------------- inputs

    /** The queries: every way text can trip a tokeniser, hasher or normaliser. */
    static List<String> queries() {
        List<String> q = new ArrayList<>();
        q.add("");
        q.add(" \t\n\r  \u000b\f ");
        q.add("Prove that sqrt(2) is irrational.");
        q.add("Write a Python function that merges two sorted lists in O(n) time, and explain its complexity.");
        q.add("Translate to French: The weather is lovely today, isn't it? I'd like a café au lait.");
        q.add("Ünïcödé STRASSE straße 東京 2024 naïve café İSTANBUL ıi ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ ǅemal ǈ ǋ ＡＢＣ１２３");
        q.add("emoji 😀 between words 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math ١٢٣ ٤٥ Ⅻ ½ ² ³ ⑤ 𝟙𝟚𝟛");
        q.add("broken \uD800 surrogate \uDC00 pair \uD83D\uDE00ok hi\uDBFF\uDFFFgh low\uDC37high\uD834");
        q.add("e\u0301cole cafe\u0301 nai\u0308ve a\u030A\u0323 Z\u0351\u0363a\u0336l\u0358g\u035Do");
        q.add("zero\u200Bwidth\u00A0nbsp\u2003em\u3000ideographic\uFEFFbom\u2028line\u2029para\u0085nel\u180Emongolian");
        q.add("Привет мир! مرحبا بالعالم שלום עולם नमस्ते दुनिया こんにちは世界 안녕하세요 세계 ภาษาไทย ქართული");
        q.add("def f(x):\n    return x**2 + 3*x - 1  # TODO: handle x<0\n\nprint(f(2), f(-1)) // C-style; /* and */");
        q.add("我想知道明天北京的天气怎么样以及是否需要带伞");
        q.add("2024-05-08T03:00:00Z v1.2.3 $19.99 50% 3.14159 1e-7 0x1F 1_000_000 #42 @user e-mail@example.com");
        q.add("MiXeD CaSe WORDS words Words wORDS");
        // Characters Java 17 (Unicode 13.0) does not know, that Unicode 14+ made letters: separators here.
        q.add("toto\uD83A\uDE90\uD83A\uDE91word arabic\u0870\u0871 kawi\uD807\uDF04x vithkuqi\uD801\uDD70\uD801\uDD97");
        q.add("a ".repeat(3000).trim());
        q.add(longText(20_000));
        return q;
    }

    /** A seeded text of about {@code chars} characters: repeated words, mixed case, punctuation, some non-ASCII. */
    static String longText(int chars) {
        String[] words = {"the", "model", "router", "Query", "COST", "quality", "user", "prefers", "cheap", "strong",
            "answer", "latency", "tokens", "über", "naïve", "東京", "данные", "λόγος", "x1", "2024", "and", "of", "to", "a"};
        String[] separators = {" ", " ", " ", ", ", ". ", "\n", " - ", "; ", "  ", "\t"};
        SplittableRandom rng = new SplittableRandom(77);
        StringBuilder b = new StringBuilder(chars + 32);
        while (b.length() < chars) {
            b.append(words[rng.nextInt(words.length)]).append(separators[rng.nextInt(separators.length)]);
        }
        b.setLength(chars);
        return b.toString();
    }

    /** Extra featuriser specs checked on every query: all 22 index bits, signs that cancel, a negative seed. */
    static List<FeatureSpec> extraFeatureSpecs() {
        return List.of(
                FeatureSpec.defaults(),
                new FeatureSpec(FeatureSpec.MAX_DIM, 5, -1, false, FeatureSpec.ALGORITHM_VERSION),
                new FeatureSpec(2, 1, 0, true, FeatureSpec.ALGORITHM_VERSION));
    }

    private static ObjectNode outcome(String model, double quality, double cost) {
        return NODES.objectNode().put("model", model).put("quality", quality).put("cost_usd", cost);
    }

    private static ObjectNode pairwise(String query, ObjectNode a, ObjectNode b, boolean preferA) {
        ObjectNode f = NODES.objectNode().put("query", query);
        f.set("a", a);
        f.set("b", b);
        return f.put("preferred", preferA ? "a" : "b");
    }

    private static ObjectNode reward(String query, ObjectNode outcome, double reward) {
        ObjectNode f = NODES.objectNode().put("query", query);
        f.setAll(outcome);
        return f.put("reward", reward);
    }

    /** A seeded outcome of a catalog model: quality in [0, 1], cost around the model's mean. */
    private static ObjectNode randomOutcome(SplittableRandom rng, List<ModelInfo> catalog) {
        ModelInfo m = catalog.get(rng.nextInt(catalog.size()));
        double cost = Math.max(m.meanCostUsd(), 1e-6) * Math.exp(0.6 * MetaParameters.nextGaussian(rng));
        return outcome(m.id(), rng.nextDouble(), cost);
    }

    /** Users u0..u9 with 0..8 feedback contexts of every kind. */
    static ArrayNode users() {
        List<ModelInfo> catalog = catalog(1);
        List<String> queries = queries();
        SplittableRandom rng = new SplittableRandom(8);
        ArrayNode users = NODES.arrayNode();
        // (contexts, kind): p = comparisons only, r = rewards only, m = mixed
        String[] kinds = {"", "p", "pp", "rrr", "prpr", "ppppp", "extreme", "rpprrpp", "pppppppp", "rrrrrrrr"};
        for (int u = 0; u < kinds.length; u++) {
            ArrayNode feedback = NODES.arrayNode();
            if (kinds[u].equals("extreme")) {
                feedback.add(pairwise("quality 1 at zero cost vs quality 0", outcome("mistral-7b-chat", 1.0, 0.0),
                        outcome("gpt-4-1106-preview", 0.0, 12.5), true));
                feedback.add(reward("below the cost floor", outcome("in-house-distilled", 0.0, 1e-9), -4.0));
                feedback.add(reward("huge cost", outcome("claude-v2", 1.0, 12.5), 9.5));
                feedback.add(pairwise("same outcome twice", outcome("llama-70b-chat", 0.5, 0.00063),
                        outcome("llama-70b-chat", 0.5, 0.00063), false));
                feedback.add(reward("zero reward", outcome("gpt-3.5-turbo-1106", 0.75, 0.00091), 0.0));
                feedback.add(pairwise(queries.get(5), outcome("gpt-4-1106-preview", 0.99, 0.03),
                        outcome("mixtral-8x7b-chat", 0.2, 0.0002), false));
            } else {
                for (char kind : kinds[u].toCharArray()) {
                    String query = queries.get(2 + rng.nextInt(queries.size() - 4));
                    if (kind == 'p') {
                        feedback.add(pairwise(query, randomOutcome(rng, catalog), randomOutcome(rng, catalog), rng.nextBoolean()));
                    } else {
                        feedback.add(reward(query, randomOutcome(rng, catalog), 4.0 * rng.nextDouble(-1, 1)));
                    }
                }
            }
            ObjectNode user = users.addObject().put("id", "u" + u);
            user.set("feedback", feedback);
        }
        return users;
    }

    /** Explorations checked on every case; "training-policy" is softmax at the model's policy temperature. */
    static ArrayNode explorations() {
        ArrayNode a = NODES.arrayNode();
        a.addObject().put("name", "greedy").put("strategy", "greedy").put("min_propensity", 0.0);
        a.addObject().put("name", "serve-default").put("strategy", "softmax").put("tau", 0.05).put("min_propensity", 0.01);
        a.addObject().put("name", "softmax-wide").put("strategy", "softmax").put("tau", 2.0).put("min_propensity", 0.0);
        a.addObject().put("name", "epsilon-greedy").put("strategy", "epsilon-greedy").put("epsilon", 0.1).put("min_propensity", 0.02);
        a.addObject().put("name", "floored-greedy").put("strategy", "greedy").put("min_propensity", 0.05);
        a.addObject().put("name", "training-policy").put("strategy", "training-policy");
        return a;
    }

    /** The whole input document. */
    static ObjectNode inputs() {
        ObjectNode root = NODES.objectNode();
        root.put("description", "Inputs of the MetaRouter golden set: every non-JVM artifact reader must reproduce "
                + OUTPUTS + " from these and the registry beside them. Generated by " + GoldenRouterSet.class.getName()
                + " (" + COMMAND + "); see data-schemas/artifact-format.md section 6.");
        root.put("registry", REGISTRY);
        root.putArray("versions").add(1).add(2);
        root.set("explorations", explorations());
        ArrayNode specs = root.putArray("feature_specs");
        for (FeatureSpec s : extraFeatureSpecs()) specs.add(JSON.valueToTree(s.toMap()));
        List<String> queries = queries();
        ArrayNode q = root.putArray("queries");
        queries.forEach(q::add);
        ArrayNode users = users();
        root.set("users", users);
        ArrayNode cases = root.putArray("cases");
        SplittableRandom rng = new SplittableRandom(9);
        for (int version = 1; version <= 2; version++) {
            List<String> ids = catalog(version).stream().map(ModelInfo::id).toList();
            for (JsonNode user : users) {
                String uid = user.get("id").asText();
                boolean all = uid.equals("u0") || uid.equals("u8");
                for (int qi = 0; qi < queries.size(); qi++) {
                    if (!all && Math.floorMod(qi + uid.hashCode() + version, 4) != 0) continue;
                    ObjectNode c = cases.addObject().put("version", version).put("user", uid).put("query", qi);
                    int pattern = rng.nextInt(5);
                    if (pattern == 0) {
                        c.putNull("candidates");
                    } else {
                        List<String> shuffled = new ArrayList<>(ids);
                        for (int i = shuffled.size() - 1; i > 0; i--) {
                            int j = rng.nextInt(i + 1);
                            shuffled.set(i, shuffled.set(j, shuffled.get(i)));
                        }
                        int n = switch (pattern) {
                            case 1 -> 1;
                            case 2 -> 2;
                            case 3 -> 4;
                            default -> ids.size();
                        };
                        ArrayNode cand = c.putArray("candidates");
                        shuffled.subList(0, n).forEach(cand::add);
                    }
                    c.put("event_id", "golden-v" + version + "-" + uid + "-q" + qi);
                }
            }
        }
        root.set("elicitations", elicitations());
        return root;
    }

    /** Users of 0, 1, 6 and 8 feedback contexts whose posteriors the outputs list (per version). */
    static final List<String> POSTERIOR_USERS = List.of("u0", "u1", "u6", "u8");

    /**
     * "Which comparison next" requests: per version, users of 0 to 8 feedback contexts, a few
     * queries, every model or a subset in another order, and comparisons already asked (in either
     * model order, one of a model outside the candidates).
     */
    static ArrayNode elicitations() {
        ArrayNode a = NODES.arrayNode();
        List<String> users = List.of("u0", "u1", "u3", "u6", "u8");
        int[][] querySets = {{2, 3, 4, 11, 13}, {0, 5, 12}, {14, 3}, {9, 2, 10, 6}, {4}};
        for (int version = 1; version <= 2; version++) {
            List<String> ids = catalog(version).stream().map(ModelInfo::id).toList();
            for (int u = 0; u < users.size(); u++) {
                ObjectNode e = a.addObject().put("version", version).put("user", users.get(u));
                ArrayNode q = e.putArray("queries");
                for (int qi : querySets[u]) q.add(qi);
                if ((u + version) % 2 == 0) {
                    e.putNull("candidates");
                } else {
                    e.putArray("candidates").add(ids.get(5)).add(ids.get(1)).add(ids.get(3)).add(ids.get(0));
                }
                ArrayNode exclude = e.putArray("exclude");
                if (u >= 3) {
                    exclude.addObject().put("query_index", 0).put("model_a", ids.get(1)).put("model_b", ids.get(0));
                    exclude.addObject().put("query_index", querySets[u].length - 1).put("model_a", ids.get(3)).put("model_b", ids.get(5));
                    exclude.addObject().put("query_index", 0).put("model_a", ids.get(6)).put("model_b", ids.get(2));
                }
            }
        }
        return a;
    }

    // ---------------------------------------------------------------- outputs

    static Feedback feedback(JsonNode f) {
        String query = f.get("query").asText();
        if (f.has("a")) {
            return new Feedback.Pairwise(query, outcome(f.get("a")), outcome(f.get("b")), f.get("preferred").asText().equals("a"));
        }
        return new Feedback.Reward(query, outcome(f), f.get("reward").asDouble());
    }

    private static Outcome outcome(JsonNode o) {
        return new Outcome(o.get("model").asText(), o.get("quality").asDouble(), o.get("cost_usd").asDouble());
    }

    static List<Feedback> feedbackOf(JsonNode user) {
        List<Feedback> out = new ArrayList<>();
        for (JsonNode f : user.get("feedback")) out.add(feedback(f));
        return out;
    }

    static Exploration exploration(JsonNode e, MetaRouterModel model, UserState state) {
        String strategy = e.get("strategy").asText();
        if (strategy.equals("training-policy")) return new Softmax(model.policyTemperature(state), 0.0);
        return Exploration.named(strategy, e.path("tau").asDouble(), e.path("epsilon").asDouble(), e.get("min_propensity").asDouble());
    }

    /** Loads the golden registry's versions as the serving tier does (verified, through {@link RouterArtifacts}). */
    static Map<Integer, MetaRouterModel> load(Path registryDir, JsonNode inputs) throws IOException {
        Map<Integer, MetaRouterModel> models = new LinkedHashMap<>();
        try (ArtifactRegistry registry = ArtifactRegistry.open(registryDir.toString())) {
            for (JsonNode v : inputs.get("versions")) models.put(v.asInt(), RouterArtifacts.load(registry.load(v.asInt())));
        }
        return models;
    }

    /** SHA-256 of the features: indices as little-endian int32, then values as little-endian float64. */
    static String featureDigest(QueryFeatures x) {
        ByteBuffer b = ByteBuffer.allocate(12 * x.nonZeros()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : x.indices()) b.putInt(i);
        for (double v : x.values()) b.putDouble(v);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode doubles(double[] values) {
        ArrayNode a = NODES.arrayNode();
        for (double v : values) a.add(v);
        return a;
    }

    private static ObjectNode features(FeatureSpec spec, int specIndex, int query, String text) {
        QueryFeatures x = new HashedNgramFeaturizer(spec).featurize(text);
        ObjectNode f = NODES.objectNode();
        f.put("spec", specIndex).put("query", query).put("token_count", x.tokenCount()).put("char_count", x.charCount()).put("nnz", x.nonZeros());
        f.put("sha256", featureDigest(x));
        if (x.nonZeros() <= FULL_FEATURES) {
            ArrayNode idx = f.putArray("indices");
            for (int i : x.indices()) idx.add(i);
            f.set("values", doubles(x.values()));
        }
        return f;
    }

    /** What this build computes for {@code inputs} on the registry at {@code registryDir}. */
    static ObjectNode outputs(Path registryDir, JsonNode inputs) throws IOException {
        Map<Integer, MetaRouterModel> models = load(registryDir, inputs);
        List<String> queries = new ArrayList<>();
        inputs.get("queries").forEach(q -> queries.add(q.asText()));
        ObjectNode root = NODES.objectNode();
        root.put("description", "Outputs of the MetaRouter golden set, computed by the Java router (core) from " + INPUTS
                + ". Regenerate with " + COMMAND + " only after a deliberate change of the model's math; "
                + "see data-schemas/artifact-format.md section 6.");

        List<FeatureSpec> specs = new ArrayList<>();
        for (MetaRouterModel m : models.values()) specs.add(m.featureSpec());
        for (JsonNode s : inputs.get("feature_specs")) {
            specs.add(FeatureSpec.fromMap(JSON.convertValue(s, new TypeReference<Map<String, Object>>() {})));
        }
        // Java's Math.log1p of the counts a feature bucket can have (C libraries differ in the last bit for some).
        double[] log1p = new double[LOG1P_INTEGERS];
        for (int c = 0; c < log1p.length; c++) log1p[c] = Math.log1p(c);
        root.set("log1p_of_integers", doubles(log1p));
        // The versions' own specs first (in version order), then the inputs' extra specs.
        ArrayNode specList = root.putArray("feature_specs");
        for (FeatureSpec spec : specs) specList.add(JSON.valueToTree(spec.toMap()));
        ArrayNode feats = root.putArray("featurizer");
        for (int si = 0; si < specs.size(); si++) {
            for (int qi = 0; qi < queries.size(); qi++) feats.add(features(specs.get(si), si, qi, queries.get(qi)));
        }

        Map<String, List<Feedback>> feedback = new LinkedHashMap<>();
        for (JsonNode u : inputs.get("users")) feedback.put(u.get("id").asText(), feedbackOf(u));
        Map<String, UserState> states = new LinkedHashMap<>();
        ArrayNode users = root.putArray("users");
        for (Map.Entry<Integer, MetaRouterModel> e : models.entrySet()) {
            MetaRouterModel m = e.getValue();
            for (Map.Entry<String, List<Feedback>> u : feedback.entrySet()) {
                UserState s = m.adapt(u.getValue());
                states.put(e.getKey() + "/" + u.getKey(), s);
                ObjectNode o = users.addObject().put("version", e.getKey()).put("user", u.getKey()).put("contexts", s.contexts());
                o.set("latent", doubles(m.latent(u.getValue())));
                o.set("theta", doubles(s.theta()));
                o.put("policy_temperature", m.policyTemperature(s));
            }
        }

        ArrayNode cases = root.putArray("cases");
        for (JsonNode c : inputs.get("cases")) {
            int version = c.get("version").asInt();
            MetaRouterModel m = models.get(version);
            String uid = c.get("user").asText();
            UserState state = states.get(version + "/" + uid);
            List<String> candidates = new ArrayList<>();
            if (c.get("candidates").isNull()) candidates.addAll(m.predictor().armIds());
            else c.get("candidates").forEach(id -> candidates.add(id.asText()));
            QueryFeatures x = m.featurize(queries.get(c.get("query").asInt()));
            double[] q = new double[candidates.size()];
            double[] cost = new double[candidates.size()];
            m.predictor().predict(x, candidates, q, cost);
            double[] scores = m.scores(x, candidates, state);
            int best = 0;
            for (int i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
            String eventId = c.get("event_id").asText();
            long seed = StableHash.decisionSeed(eventId);

            ObjectNode o = cases.addObject().put("version", version).put("user", uid).put("query", c.get("query").asInt());
            ArrayNode cand = o.putArray("candidates");
            candidates.forEach(cand::add);
            o.set("expected_quality", doubles(q));
            o.set("expected_cost_usd", doubles(cost));
            o.set("scores", doubles(scores));
            o.put("choice", candidates.get(best));
            o.put("event_id", eventId).put("decision_seed", seed).put("draw", new SplittableRandom(seed).nextDouble());
            ObjectNode decisions = o.putObject("decisions");
            for (JsonNode e : inputs.get("explorations")) {
                Decision d = exploration(e, m, state).decide(scores, seed);
                ObjectNode dn = decisions.putObject(e.get("name").asText());
                dn.set("probabilities", doubles(d.probabilities()));
                dn.put("chosen", candidates.get(d.chosenIndex())).put("propensity", d.propensity());
            }
        }

        ArrayNode posteriors = root.putArray("posteriors");
        for (Map.Entry<Integer, MetaRouterModel> e : models.entrySet()) {
            for (String uid : POSTERIOR_USERS) {
                PreferencePosterior p = e.getValue().posterior(feedback.get(uid));
                ObjectNode o = posteriors.addObject().put("version", e.getKey()).put("user", uid);
                o.set("mean", doubles(p.mean()));
                o.set("covariance", doubles(p.covariance()));
            }
        }
        ArrayNode elicitations = root.putArray("elicitations");
        if (inputs.has("elicitations")) {
            for (JsonNode e : inputs.get("elicitations")) elicitations.add(elicitation(e, models.get(e.get("version").asInt()), queries, feedback));
        }
        return root;
    }

    /** {@link ComparisonPlanner#mostInformative} for one elicitation, with pass/fail and with graded outcomes. */
    private static ObjectNode elicitation(JsonNode e, MetaRouterModel m, List<String> queries, Map<String, List<Feedback>> feedback) {
        String uid = e.get("user").asText();
        List<String> asked = new ArrayList<>();
        e.get("queries").forEach(q -> asked.add(queries.get(q.asInt())));
        List<String> candidates = new ArrayList<>();
        if (e.get("candidates").isNull()) candidates.addAll(m.predictor().armIds());
        else e.get("candidates").forEach(id -> candidates.add(id.asText()));
        int n = candidates.size();
        int[] arms = new int[n];
        for (int i = 0; i < n; i++) arms[i] = m.predictor().armIds().indexOf(candidates.get(i));
        Set<List<Integer>> exclude = new HashSet<>();
        for (JsonNode x : e.get("exclude")) {
            int pa = candidates.indexOf(x.get("model_a").asText());
            int pb = candidates.indexOf(x.get("model_b").asText());
            if (pa >= 0 && pb >= 0) exclude.add(List.of(x.get("query_index").asInt(), Math.min(pa, pb), Math.max(pa, pb)));
        }
        PreferencePosterior posterior = m.posterior(feedback.get(uid));
        ComparisonPlanner.Grid grid = ComparisonPlanner.predict(m, asked, arms);
        ObjectNode o = NODES.objectNode().put("version", e.get("version").asInt()).put("user", uid);
        for (boolean passFail : new boolean[] {true, false}) {
            ComparisonPlanner.Question best = ComparisonPlanner.mostInformative(posterior, m.basis(), m.costScale(), passFail,
                    asked.size(), n, grid.qHat(), grid.costUsd(), (q, a, b) -> exclude.contains(List.of(q, a, b))).orElseThrow();
            // The runner-up: how far the choice is from a tie (a reader's rounding must not flip it).
            double runnerUp = ComparisonPlanner.mostInformative(posterior, m.basis(), m.costScale(), passFail, asked.size(), n,
                    grid.qHat(), grid.costUsd(), (q, a, b) -> exclude.contains(List.of(q, a, b))
                            || (q == best.query() && a == best.a() && b == best.b()))
                    .map(ComparisonPlanner.Question::information).orElse(Double.NEGATIVE_INFINITY);
            o.putObject(passFail ? "pass_fail" : "graded").put("query_index", best.query()).put("model_a", candidates.get(best.a()))
                    .put("model_b", candidates.get(best.b())).put("information", best.information()).put("runner_up_information", runnerUp);
        }
        return o;
    }

    // ---------------------------------------------------------------- files

    /** The committed form: two-space indent, arrays of numbers on one line, non-ASCII escaped, final newline. */
    static byte[] toBytes(JsonNode node) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return (JSON.writer(printer).writeValueAsString(node) + "\n").getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the golden set", e);
        }
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("metarouter.repo.root", ".")).toAbsolutePath().normalize();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /**
     * Writes the golden inputs and outputs (and with {@code --new-artifacts} first the registry)
     * under {@value #DIR} of the repository root (the working directory, or
     * {@code -Dmetarouter.repo.root}).
     */
    public static void main(String[] args) throws IOException {
        boolean newArtifacts = List.of(args).contains("--new-artifacts");
        for (String a : args) {
            if (!a.equals("--new-artifacts")) {
                System.err.println("usage: GoldenRouterSet [--new-artifacts]");
                System.exit(2);
            }
        }
        Path dir = repoRoot().resolve(DIR);
        Path registry = dir.resolve(REGISTRY);
        if (newArtifacts || !Files.exists(registry.resolve(ArtifactLayout.LATEST_FILE))) {
            writeRegistry(registry);
            System.err.println("wrote the golden registry " + registry);
        }
        ObjectNode inputs = inputs();
        Files.write(dir.resolve(INPUTS), toBytes(inputs));
        // The outputs are computed from the inputs as committed (read back), exactly as the test does.
        JsonNode readBack = new ObjectMapper().readTree(dir.resolve(INPUTS).toFile());
        Files.write(dir.resolve(OUTPUTS), toBytes(outputs(registry, readBack)));
        System.err.println("wrote " + dir.resolve(INPUTS) + " and " + dir.resolve(OUTPUTS));
    }
}
