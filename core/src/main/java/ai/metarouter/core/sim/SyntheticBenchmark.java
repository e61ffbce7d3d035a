package ai.metarouter.core.sim;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.ModelInfo;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.data.QueryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The embedded synthetic benchmark: a pool of LLMs on a realistic price ladder answering queries of
 * several task families, with quality drawn from a latent skill/difficulty model.
 *
 * <p>How quality arises, per (query, model): the query has a family, a topic and a latent
 * difficulty {@code d}; the prompt text is built from the family's vocabulary, the topic's words and
 * difficulty cue words that are correlated with {@code d} (so a featuriser can read difficulty off
 * the text, imperfectly). The model has a general skill, an offset per family (specialists), an
 * affinity per topic, a sensitivity to difficulty (small models fall off faster on hard queries)
 * and a verbosity. Then
 * <pre>  logit = familyBase + skill + familyOffset + topicAffinity - sensitivity * d - summaryVerbosityPenalty + noise
 *  quality = sigmoid(logit)               (graded; or Bernoulli(sigmoid(logit)) in binary mode)
 *  cost = (tokensIn * inputPrice + tokensOut * outputPrice) / 1e6</pre>
 * where tokens out grow with difficulty and the model's verbosity. Price and skill are correlated
 * by construction of the ladder but not perfectly: specialists (a cheap code model, a mid-priced
 * math model, a cheap chat model) beat dearer generalists on their family, so routing matters.
 *
 * <p>Deterministic per seed. Each query is generated from its own stream {@code (seed, index)},
 * so the first N queries of a larger benchmark equal a benchmark of N queries.
 */
public final class SyntheticBenchmark {
    /** Source name written to {@code models.json}. */
    public static final String SOURCE = "synthetic";

    private SyntheticBenchmark() {}

    /** Graded quality in [0, 1], or RouterBench-like 0/1 correctness. */
    public enum QualityMode { GRADED, BINARY }

    /**
     * What to generate.
     *
     * @param queries number of queries (rows per model)
     * @param models number of models in the pool (2..64); 11 is the designed ladder
     * @param seed run seed
     * @param testFraction probability a query lands in the {@code test} split
     * @param qualityMode graded or binary quality
     */
    public record Config(int queries, int models, long seed, double testFraction, QualityMode qualityMode) {
        public static final int DEFAULT_QUERIES = 4000;
        public static final int DEFAULT_MODELS = 11;
        public static final double DEFAULT_TEST_FRACTION = 0.3;
        public static final int MAX_MODELS = 64;

        public Config {
            if (queries < 1) throw new IllegalArgumentException("queries must be >= 1, got " + queries);
            if (models < 2 || models > MAX_MODELS) {
                throw new IllegalArgumentException("models must be in [2, " + MAX_MODELS + "], got " + models);
            }
            if (!(testFraction >= 0 && testFraction < 1)) {
                throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
            }
            if (qualityMode == null) throw new IllegalArgumentException("quality mode is missing");
        }

        public static Config defaults(long seed) {
            return new Config(DEFAULT_QUERIES, DEFAULT_MODELS, seed, DEFAULT_TEST_FRACTION, QualityMode.GRADED);
        }

        public Config withQueries(int n) {
            return new Config(n, models, seed, testFraction, qualityMode);
        }

        public Config withModels(int k) {
            return new Config(queries, k, seed, testFraction, qualityMode);
        }

        public Config withQualityMode(QualityMode mode) {
            return new Config(queries, models, seed, testFraction, mode);
        }
    }

    /** A generated benchmark: the outcome grid and the catalog of the pool (prices filled in). */
    public record Dataset(OutcomeTable outcomes, ModelCatalog catalog) {}

    /**
     * One synthetic LLM: its prices and latent traits.
     *
     * @param id model id
     * @param inputPrice USD per million input tokens
     * @param outputPrice USD per million output tokens
     * @param skill general skill (logit scale)
     * @param familyOffsets extra skill per family, indexed like {@link #FAMILIES}
     * @param difficultySensitivity how fast quality falls with query difficulty
     * @param verbosity multiplier on output tokens
     */
    public record SyntheticModel(String id, double inputPrice, double outputPrice, double skill,
                                 List<Double> familyOffsets, double difficultySensitivity, double verbosity) {
        public SyntheticModel {
            familyOffsets = List.copyOf(familyOffsets);
            if (familyOffsets.size() != FAMILIES.size()) {
                throw new IllegalArgumentException("model " + id + ": need one family offset per family " + FAMILIES);
            }
        }
    }

    /**
     * One task family: its name, the quality base rate, output length, and the words its queries
     * are made of.
     */
    record Family(String name, double qualityBase, double baseOutputTokens, double baseDifficulty,
                  String[] openers, String[] vocabulary, String[][] topics, String[] topicNames) {}

    static final String[] EASY_CUES = {"simple", "basic", "quick", "briefly", "easy", "short"};
    static final String[] HARD_CUES = {"rigorous", "advanced", "tricky", "multistep", "optimal", "detailed"};
    private static final String[] FILLER = {"the", "a", "of", "and", "to", "in", "for", "with", "about", "using",
            "please", "this", "that", "my", "each", "given", "on", "from"};

    /** The task families, in the order of {@link SyntheticModel#familyOffsets}. */
    public static final List<String> FAMILIES = List.of("qa", "code", "math", "summarisation", "chat");

    private static final Family[] FAMILY_SPECS = {
        new Family("qa", 0.6, 70, 0.0,
                new String[] {"What is", "Explain why", "Who discovered", "How does", "Describe", "Which", "When did"},
                new String[] {"fact", "reason", "origin", "role", "effect", "cause", "history", "known"},
                new String[][] {
                    {"empire", "dynasty", "treaty", "revolution", "medieval", "colonial"},
                    {"cell", "protein", "enzyme", "evolution", "genome", "species"},
                    {"river", "mountain", "climate", "continent", "capital", "desert"},
                    {"quantum", "gravity", "momentum", "photon", "entropy", "magnetism"},
                    {"inflation", "market", "tariff", "currency", "monetary", "recession"}},
                new String[] {"history", "biology", "geography", "physics", "economics"}),
        new Family("code", 0.0, 220, 0.2,
                new String[] {"Write a python function that", "Implement", "Fix the bug in", "Refactor",
                    "Write a SQL query that", "Write unit tests for"},
                new String[] {"function", "return", "input", "output", "test", "error", "python", "class", "loop"},
                new String[][] {
                    {"string", "substring", "palindrome", "regex", "parse", "token"},
                    {"graph", "shortest", "path", "node", "edge", "traversal"},
                    {"json", "csv", "records", "schema", "dataframe", "column"},
                    {"thread", "lock", "async", "queue", "worker", "race"},
                    {"array", "sort", "matrix", "binary", "search", "index"}},
                new String[] {"strings", "graphs", "data", "concurrency", "arrays"}),
        new Family("math", -0.2, 180, 0.3,
                new String[] {"Solve", "Prove that", "Compute", "Find", "Show that", "Evaluate"},
                new String[] {"value", "answer", "step", "number", "formula", "x", "y", "n"},
                new String[][] {
                    {"equation", "polynomial", "root", "quadratic", "variable", "factor"},
                    {"triangle", "circle", "angle", "area", "polygon", "radius"},
                    {"probability", "dice", "expected", "random", "coin", "distribution"},
                    {"prime", "divisor", "modulo", "integer", "gcd", "congruence"},
                    {"derivative", "integral", "limit", "series", "convergence", "function"}},
                new String[] {"algebra", "geometry", "probability", "number_theory", "calculus"}),
        new Family("summarisation", 1.0, 90, -0.2,
                new String[] {"Summarise the following", "Give a short summary of", "TL;DR of", "Condense"},
                new String[] {"text", "article", "points", "main", "key", "paragraph", "report"},
                new String[][] {
                    {"election", "government", "minister", "policy", "vote", "parliament"},
                    {"study", "researchers", "experiment", "results", "sample", "findings"},
                    {"earnings", "quarter", "revenue", "company", "shares", "investors"},
                    {"contract", "clause", "liability", "court", "plaintiff", "ruling"},
                    {"match", "season", "coach", "league", "goal", "championship"}},
                new String[] {"news", "science", "business", "legal", "sports"}),
        new Family("chat", 1.1, 120, -0.4,
                new String[] {"Hey, can you", "Help me", "I need advice on", "Could you suggest", "Let's talk about"},
                new String[] {"thanks", "idea", "plan", "advice", "maybe", "weekend", "friend", "fun"},
                new String[][] {
                    {"trip", "flight", "hotel", "itinerary", "visa", "beach"},
                    {"recipe", "dinner", "oven", "vegetarian", "spices", "bake"},
                    {"workout", "running", "muscle", "diet", "stretch", "marathon"},
                    {"email", "letter", "poem", "birthday", "toast", "wording"},
                    {"laptop", "wifi", "printer", "password", "update", "battery"}},
                new String[] {"travel", "cooking", "fitness", "writing", "tech_support"}),
    };

    /**
     * The designed 11-model ladder, cheapest first. Prices are of the order of 2024-25 list prices
     * (USD per million tokens). Family offsets are {qa, code, math, summarisation, chat}.
     */
    private static final SyntheticModel[] LADDER = {
        new SyntheticModel("nano-1b", 0.04, 0.08, -1.3, List.of(-0.3, -0.9, -0.9, 0.6, 1.0), 1.25, 0.7),
        new SyntheticModel("mini-3b", 0.10, 0.20, -0.8, List.of(0.0, -0.5, -0.6, 0.6, 0.8), 1.15, 0.8),
        new SyntheticModel("chat-8b", 0.15, 0.30, -0.4, List.of(0.1, -0.5, -0.5, 0.7, 2.6), 1.05, 1.2),
        new SyntheticModel("coder-7b", 0.20, 0.40, -0.3, List.of(-0.6, 3.1, 0.2, -0.5, -0.7), 1.0, 0.9),
        new SyntheticModel("open-13b", 0.30, 0.30, 0.0, List.of(0.0, 0.0, 0.0, 0.0, 0.0), 0.95, 1.0),
        new SyntheticModel("mix-8x7b", 0.60, 0.60, 0.95, List.of(0.2, 0.1, 0.0, 0.1, 0.1), 0.85, 1.0),
        new SyntheticModel("math-34b", 0.80, 0.80, 0.3, List.of(-0.2, 0.2, 2.5, -0.3, -0.4), 0.85, 1.1),
        new SyntheticModel("large-70b", 0.90, 0.90, 0.9, List.of(0.3, 0.0, 0.0, 0.0, 0.0), 0.8, 1.0),
        new SyntheticModel("flash-pro", 1.25, 5.00, 1.1, List.of(0.2, 0.2, 0.1, 0.2, 0.0), 0.7, 0.9),
        new SyntheticModel("frontier-a", 3.00, 15.00, 1.6, List.of(0.2, 0.2, 0.2, -0.1, -0.2), 0.6, 1.3),
        new SyntheticModel("frontier-b", 10.00, 30.00, 1.8, List.of(0.3, 0.3, 0.3, -0.2, -0.3), 0.55, 1.4),
    };

    /** Quality lost on summaries per unit of verbosity above 1 (long summaries are worse summaries). */
    private static final double SUMMARY_VERBOSITY_PENALTY = 0.8;
    /** Cell-level noise on the quality logit: what no feature of the query can predict. */
    private static final double CELL_NOISE = 0.5;
    /** Spread of per-(model, topic) affinities on the logit scale. */
    private static final double TOPIC_AFFINITY_SD = 0.25;
    /** Tokens of system prompt and chat formatting every request pays. */
    private static final int OVERHEAD_TOKENS = 24;

    /** Generates the benchmark described by {@code config}. */
    public static Dataset generate(Config config) {
        List<SyntheticModel> pool = pool(config.models(), config.seed());
        List<String> ids = new ArrayList<>();
        for (SyntheticModel m : pool) ids.add(m.id());
        double[][][] affinity = topicAffinities(pool, config.seed());
        double[][] offsets = new double[pool.size()][];
        for (int m = 0; m < pool.size(); m++) offsets[m] = pool.get(m).familyOffsets().stream().mapToDouble(Double::doubleValue).toArray();

        OutcomeTable.Builder builder = OutcomeTable.builder(ids);
        String idFormat = "q%0" + Math.max(6, String.valueOf(config.queries() - 1).length()) + "d";
        for (int i = 0; i < config.queries(); i++) {
            SplittableRandom rng = new SplittableRandom(Seeds.of(config.seed(), "query", i));
            int f = rng.nextInt(FAMILY_SPECS.length);
            Family family = FAMILY_SPECS[f];
            int topic = rng.nextInt(family.topics().length);
            double difficulty = family.baseDifficulty() + topicDifficulty(topic) + Seeds.gaussian(rng);
            String prompt = prompt(family, topic, difficulty, rng);
            String split = rng.nextDouble() < config.testFraction() ? "test" : "train";
            String queryId = String.format(Locale.ROOT, idFormat, i);
            builder.addQuery(new QueryRecord(queryId, family.name(), prompt, split));

            double tokensIn = OVERHEAD_TOKENS + Math.ceil(1.3 * wordCount(prompt));
            double outLength = family.baseOutputTokens() * Math.exp(0.35 * difficulty);
            for (int m = 0; m < pool.size(); m++) {
                SyntheticModel model = pool.get(m);
                double logit = family.qualityBase() + model.skill() + offsets[m][f] + affinity[m][f][topic]
                        - model.difficultySensitivity() * difficulty + CELL_NOISE * Seeds.gaussian(rng);
                if (f == 3) logit -= SUMMARY_VERBOSITY_PENALTY * Math.max(0.0, model.verbosity() - 1.0);
                double p = Seeds.sigmoid(logit);
                double quality = config.qualityMode() == QualityMode.BINARY ? (rng.nextDouble() < p ? 1.0 : 0.0) : p;
                double tokensOut = Math.max(1.0, Math.round(outLength * model.verbosity() * Math.exp(0.25 * Seeds.gaussian(rng))));
                double cost = (tokensIn * model.inputPrice() + tokensOut * model.outputPrice()) / 1e6;
                builder.set(queryId, model.id(), quality, cost);
            }
        }
        OutcomeTable table = builder.build();

        List<ModelInfo> infos = new ArrayList<>();
        for (int m = 0; m < pool.size(); m++) {
            SyntheticModel model = pool.get(m);
            infos.add(new ModelInfo(model.id(), model.inputPrice(), model.outputPrice(), table.meanCost(m), table.numQueries()));
        }
        return new Dataset(table, new ModelCatalog(SOURCE, infos));
    }

    /**
     * The pool of {@code k} models. Up to 11 it is a subset of the designed ladder, spread evenly
     * over it and always keeping the cheapest and the dearest (so the cost spread stays wide);
     * beyond 11 the ladder is extended with generated models whose skill follows log price plus
     * noise, seeded by {@code seed}.
     */
    public static List<SyntheticModel> pool(int k, long seed) {
        if (k < 2 || k > Config.MAX_MODELS) throw new IllegalArgumentException("models must be in [2, " + Config.MAX_MODELS + "], got " + k);
        List<SyntheticModel> pool = new ArrayList<>();
        if (k <= LADDER.length) {
            for (int j = 0; j < k; j++) {
                pool.add(LADDER[(int) Math.round(j * (LADDER.length - 1) / (double) (k - 1))]);
            }
            return pool;
        }
        pool.addAll(List.of(LADDER));
        for (int j = LADDER.length; j < k; j++) {
            SplittableRandom rng = new SplittableRandom(Seeds.of(seed, "model", j));
            double outputPrice = Seeds.logUniform(rng, 0.08, 30.0);
            double inputPrice = outputPrice / (1.0 + 3.0 * rng.nextDouble());
            double skill = 0.45 * Math.log(outputPrice) + 0.4 * Seeds.gaussian(rng);
            List<Double> offsets = new ArrayList<>();
            for (int f = 0; f < FAMILY_SPECS.length; f++) offsets.add(0.5 * Seeds.gaussian(rng));
            double sensitivity = Math.max(0.4, 1.0 - 0.2 * skill);
            double verbosity = Math.exp(0.2 * Seeds.gaussian(rng));
            pool.add(new SyntheticModel(String.format(Locale.ROOT, "gen-%02d", j), round4(inputPrice), round4(outputPrice),
                    skill, offsets, sensitivity, verbosity));
        }
        return pool;
    }

    private static double[][][] topicAffinities(List<SyntheticModel> pool, long seed) {
        double[][][] a = new double[pool.size()][FAMILY_SPECS.length][];
        for (int m = 0; m < pool.size(); m++) {
            for (int f = 0; f < FAMILY_SPECS.length; f++) {
                a[m][f] = new double[FAMILY_SPECS[f].topics().length];
                for (int t = 0; t < a[m][f].length; t++) {
                    SplittableRandom rng = Seeds.random(seed, "affinity", pool.get(m).id(), FAMILY_SPECS[f].name(), String.valueOf(t));
                    a[m][f][t] = TOPIC_AFFINITY_SD * Seeds.gaussian(rng);
                }
            }
        }
        return a;
    }

    /** Topics differ in difficulty: the third topic of a family is average, the fifth hardest. */
    private static double topicDifficulty(int topic) {
        return (topic - 2) * 0.2;
    }

    /**
     * Query text: opener, topic words, family words and fillers in random order, difficulty cues
     * (hard cues for hard queries, easy cues for easy ones, an occasional misleading cue), and for
     * summarisation a document to summarise. Lengths vary with the family and the draw.
     */
    private static String prompt(Family family, int topic, double difficulty, SplittableRandom rng) {
        String[] topicWords = family.topics()[topic];
        List<String> body = new ArrayList<>();
        int nTopic = 2 + rng.nextInt(4);
        for (int j = 0; j < nTopic; j++) body.add(topicWords[rng.nextInt(topicWords.length)]);
        int nFamily = 1 + rng.nextInt(3);
        for (int j = 0; j < nFamily; j++) body.add(family.vocabulary()[rng.nextInt(family.vocabulary().length)]);
        int nFiller = rng.nextInt(10);
        for (int j = 0; j < nFiller; j++) body.add(FILLER[rng.nextInt(FILLER.length)]);
        shuffle(body, rng);

        List<String> cues = new ArrayList<>();
        double u = rng.nextDouble();
        if (difficulty > 0.6 && u < 0.85) {
            int n = 1 + rng.nextInt(2);
            for (int j = 0; j < n; j++) cues.add(HARD_CUES[rng.nextInt(HARD_CUES.length)]);
        } else if (difficulty < -0.6 && u < 0.85) {
            int n = 1 + rng.nextInt(2);
            for (int j = 0; j < n; j++) cues.add(EASY_CUES[rng.nextInt(EASY_CUES.length)]);
        } else if (u < 0.12) {
            String[] any = rng.nextBoolean() ? HARD_CUES : EASY_CUES;
            cues.add(any[rng.nextInt(any.length)]);
        }

        StringBuilder sb = new StringBuilder(family.openers()[rng.nextInt(family.openers().length)]);
        for (String w : body) sb.append(' ').append(w);
        if (!cues.isEmpty()) {
            sb.append(", ");
            sb.append(String.join(" and ", cues));
        }
        sb.append(family.name().equals("qa") || family.name().equals("chat") ? '?' : '.');
        if (family.name().equals("summarisation")) {
            // The document: longer for harder queries, built from the topic's words and fillers.
            int docWords = (int) Math.round(40 * Math.exp(0.4 * difficulty) + rng.nextInt(80));
            sb.append("\n");
            for (int j = 0; j < docWords; j++) {
                if (j > 0) sb.append(' ');
                int kind = rng.nextInt(4);
                sb.append(kind == 0 ? topicWords[rng.nextInt(topicWords.length)]
                        : kind == 1 ? family.vocabulary()[rng.nextInt(family.vocabulary().length)]
                        : FILLER[rng.nextInt(FILLER.length)]);
            }
            sb.append('.');
        }
        return sb.toString();
    }

    private static void shuffle(List<String> words, SplittableRandom rng) {
        for (int j = words.size() - 1; j > 0; j--) {
            int k = rng.nextInt(j + 1);
            String t = words.get(j);
            words.set(j, words.get(k));
            words.set(k, t);
        }
    }

    private static int wordCount(String text) {
        int n = 0;
        boolean inWord = false;
        for (int j = 0; j < text.length(); j++) {
            boolean letter = !Character.isWhitespace(text.charAt(j));
            if (letter && !inWord) n++;
            inWord = letter;
        }
        return n;
    }

    private static double round4(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
