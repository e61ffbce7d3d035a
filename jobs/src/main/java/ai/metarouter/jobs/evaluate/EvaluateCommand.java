package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.LatestMissingException;
import ai.metarouter.core.artifact.LoadedArtifact;
import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.core.data.OutcomeTable;
import ai.metarouter.core.learn.OutcomePredictorEvaluation;
import ai.metarouter.core.learn.TrainerConfig;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.RouterArtifacts;
import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.UserSplit;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.HadoopFiles;
import ai.metarouter.jobs.io.OutcomeDatasets;
import ai.metarouter.jobs.io.SafeOutput;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * {@code metarouter evaluate --registry <uri> --outcomes <dir> --report <dir> [--version latest]}
 * and the optional flags below: the whole of method.md section 5 for one artifact version. Writes
 * {@code metrics.json}, {@code report.md} and PNG plots into {@code --report} (all or nothing) and
 * prints the headline table to stdout. Defaults come from {@code metarouter.evaluate}; the profile
 * distribution of held-out users is {@code metarouter.simulate}'s, the one training users came from.
 *
 * <p>{@code --no-latest-marker <file>} (with {@code --version latest}) is for a scheduler that
 * evaluates "whatever LATEST is": when the registry has no LATEST yet there is nothing to evaluate,
 * so instead of failing it writes that JSON file and exits 0 without starting Spark (the nightly
 * DAG's first night, which the gate then decides with {@code --no-baseline}).
 */
public final class EvaluateCommand implements Command {
    private static final ObjectMapper MARKER_JSON = new ObjectMapper();

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "held-out users, every baseline, MetaRouter and its ablations, pool sweeps, off-policy estimates -> metrics.json, report.md, PNGs";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("registry", "<uri>", "artifact registry"),
                FlagSpec.required("outcomes", "<dir>", "outcome dataset; users are scored on its test split"),
                FlagSpec.required("report", "<dir>", "directory to create: metrics.json, report.md, *.png"),
                FlagSpec.optional("version", "latest|<N>", "artifact version (default latest)"),
                FlagSpec.optional("users", "<N>", "held-out users per split (ID and OOD)"),
                FlagSpec.optional("seed", "<S>", "seed of users, contexts, pools and the bootstrap (default metarouter.seed + 1)"),
                FlagSpec.optional("ks", "<k,k,...>", "numbers of feedback contexts (default 0,1,2,4,6,8,16,32)"),
                FlagSpec.optional("sweep-k", "<k>", "k of the pool sweeps (default 6)"),
                FlagSpec.optional("sweep-users", "<N>", "users per split also scored under the pool sweeps (the first N)"),
                FlagSpec.optional("logs", "<dir>", "simulate output (route events with propensities + users.parquet) for off-policy evaluation"),
                FlagSpec.optional("retrain-logs", "<dir>", "training logs: retrain a router without each model (ReferenceTrainer, in-process) for the pool-change comparison"),
                FlagSpec.optional("retrain-iterations", "<n>", "meta-training iterations of each retrained router (default: the artifact's)"),
                FlagSpec.flag("no-sweeps", "skip the pool-change and pool-size sweeps"),
                FlagSpec.optional("inner-steps", "<K>", "diagnostic: evaluate the artifact with K inner-loop steps instead of its own (a what-if, reported as such)"),
                FlagSpec.optional("partitions", "<n>", "Spark partitions of the users (default 2 x default parallelism)"),
                FlagSpec.flag("overwrite", "replace an existing --report"),
                FlagSpec.optional("no-latest-marker", "<file>", "with --version latest and a registry without LATEST: write this JSON "
                        + "file and exit 0 (nothing to evaluate) instead of failing"));
    }

    @Override
    public void run(Flags flags, JobContext context) throws Exception {
        Config conf = context.config().getConfig("metarouter.evaluate");
        int usersPerSplit = flags.getPositiveInt("users", conf.getInt("users"));
        int sweepUsers = Math.min(usersPerSplit, flags.getPositiveInt("sweep-users", conf.getInt("sweep-users")));
        long seed = flags.getLong("seed", context.config().getLong("metarouter.seed") + 1);
        int[] ks = parseKs(flags.getOrDefault("ks", join(conf.getIntList("ks"))));
        int sweepK = flags.getInt("sweep-k", conf.getInt("sweep-k"));
        if (sweepK < 0) throw CliException.usage("--sweep-k must be >= 0, got " + sweepK);
        if (!flags.isSet("no-sweeps") && java.util.Arrays.stream(ks).noneMatch(k -> k == sweepK)) {
            // The sweeps are compared with the full pool at sweep-k, which is only scored at the ks.
            throw CliException.usage("--sweep-k " + sweepK + " must be one of --ks " + join(java.util.Arrays.stream(ks).boxed().toList())
                    + " (or pass --no-sweeps)");
        }
        ProfileDistribution.Config profiles = profileConfig(context.config().getConfig("metarouter.simulate"));
        EvalSettings settings = new EvalSettings(ks, sweepK, seed, conf.getDouble("linucb-alpha"), conf.getDouble("bandit-ridge"),
                conf.getDouble("thompson-scale"), conf.getDouble("untrained-beta-init"), seed,
                new double[] {profiles.lambdaMin(), profiles.lambdaMax(), profiles.betaMedian(), profiles.betaLogSd()});
        String outcomesUri = flags.get("outcomes");
        Configuration hadoop = new Configuration();
        if (!HadoopFiles.isDirectory(hadoop, HadoopFiles.qualify(hadoop, outcomesUri))) {
            throw CliException.failure("--outcomes " + outcomesUri + " does not exist or is not a directory");
        }
        String noLatestMarker = flags.optional("no-latest-marker").orElse(null);
        if (noLatestMarker != null && !flags.getOrDefault("version", "latest").equalsIgnoreCase("latest")) {
            throw CliException.usage("--no-latest-marker applies only to --version latest");
        }
        boolean overwrite = flags.isSet("overwrite");
        if (!overwrite && HadoopFiles.existsNonEmpty(hadoop, HadoopFiles.qualify(hadoop, flags.get("report")))) {
            throw CliException.failure("--report " + flags.get("report") + " already exists and is not empty (pass --overwrite to replace it)");
        }

        long t0 = System.nanoTime();
        int version;
        MetaRouterModel artifact;
        Map<String, Object> trainingConfig;
        try (ArtifactRegistry registry = ArtifactRegistry.open(flags.get("registry"))) {
            LoadedArtifact loaded = registry.load(flags.getOrDefault("version", "latest"));
            version = loaded.version();
            artifact = RouterArtifacts.load(loaded);
            trainingConfig = ModelVariants.toMap(loaded.manifest().trainingConfig());
        } catch (LatestMissingException e) {
            if (noLatestMarker == null) throw CliException.failure("--registry " + flags.get("registry") + ": " + e.getMessage());
            writeNoLatestMarker(hadoop, noLatestMarker, flags.get("registry"));
            context.progress("%s has no LATEST: nothing to evaluate (wrote %s)", flags.get("registry"), noLatestMarker);
            return;
        } catch (ArtifactException | IllegalArgumentException e) {
            throw CliException.failure("--registry " + flags.get("registry") + ": " + e.getMessage());
        }
        context.progress("loaded artifact v%d (%d arms)", version, artifact.predictor().numArms());
        Integer innerStepsOverride = null;
        if (flags.has("inner-steps")) {
            // A what-if for diagnosing the model, never the served artifact: same weights, longer adaptation.
            innerStepsOverride = flags.getInt("inner-steps", 0);
            if (innerStepsOverride < 0 || innerStepsOverride > 100) throw CliException.usage("--inner-steps must be in [0, 100]");
            ModelConfig c = artifact.config();
            artifact = new MetaRouterModel(artifact.featureSpec(), artifact.predictor(), artifact.costScale(), artifact.basis(),
                    artifact.metaParameters(), c.withInnerSteps(innerStepsOverride));
            context.progress("WHAT-IF: the artifact adapts with %d inner steps instead of %d", innerStepsOverride, c.innerSteps());
        }

        SparkSession spark = context.spark();
        OutcomeTable table;
        ModelCatalog catalog;
        try {
            table = OutcomeDatasets.readTable(spark, outcomesUri);
            catalog = OutcomeDatasets.readCatalog(spark, outcomesUri);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw CliException.failure(e.getMessage());
        }
        List<String> arms;
        try {
            arms = PanelBuilder.arms(artifact, table);
        } catch (IllegalArgumentException e) {
            throw CliException.failure(outcomesUri + ": " + e.getMessage());
        }
        context.progress("%,d queries x %d models; pool of %d arms", table.numQueries(), table.numModels(), arms.size());

        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("artifact_version", version);
        facts.put("outcomes", outcomesUri);
        facts.put("arms", arms.size());
        if (innerStepsOverride != null) facts.put("what_if_inner_steps", innerStepsOverride);
        facts.put("held_out_users_per_split", usersPerSplit);
        facts.put("sweep_users_per_split", sweepUsers);
        facts.put("cost_scale_matches_artifact", catalog.costScale().equals(artifact.costScale()));
        OutcomePredictorEvaluation.Report predictorReport = OutcomePredictorEvaluation.evaluate(artifact.predictor(), artifact.featurizer(),
                table.split("train").numQueries() > 0 ? table.split("train") : table, table.split("test"));
        facts.put("outcome_predictor_test_auc", round(predictorReport.pooled().auc()));
        facts.put("outcome_predictor_test_auc_of_model_means", round(predictorReport.pooled().baselineAuc()));
        facts.put("outcome_predictor_test_brier", round(predictorReport.pooled().brier()));
        facts.put("outcome_predictor_test_brier_of_model_means", round(predictorReport.pooled().baselineBrier()));
        context.progress("outcome predictor on the test split:%n%s", predictorReport.toTable());

        // Routers: 0 = the artifact; sweep routers after it.
        ModelVariants.Built built = ModelVariants.build(artifact, table, catalog, arms, settings, flags.isSet("no-sweeps"),
                conf.getIntList("pool-sizes"), conf.getInt("pool-replicates"), conf.getInt("probes"), conf.getDouble("probe-prior-strength"),
                flags.optional("retrain-logs").orElse(null), flags.has("retrain-logs") ? retrainConfig(trainingConfig, flags) : null, spark,
                context::progress);
        facts.putAll(built.facts());

        QueryPanel panel = PanelBuilder.panel(table, catalog, arms, built.routers(), profiles, conf.getInt("population-users"), seed);
        facts.put("scored_test_queries", panel.scoringRows().length);
        facts.put("binary_quality", panel.binaryQuality());
        List<EvalUser> users = new ArrayList<>();
        for (UserSplit split : UserSplit.values()) {
            users.addAll(PanelBuilder.users(table, catalog, arms, split, usersPerSplit, settings.kMax(), profiles, seed, sweepUsers));
        }
        context.progress("panel: %d scored test queries; %,d held-out users with %d contexts each; %d pool variants",
                panel.scoringRows().length, users.size(), settings.kMax(), built.variants().size());

        int partitions = flags.has("partitions") ? flags.getPositiveInt("partitions", 1) : 2 * spark.sparkContext().defaultParallelism();
        long t1 = System.nanoTime();
        List<ModelPayload> payloads = built.routers().stream().map(ModelPayload::of).toList();
        List<UserResult> results = EvaluationJob.run(spark, new EvaluationJob.Shared(panel, payloads, built.variants(), settings), users,
                partitions);
        double userSeconds = (System.nanoTime() - t1) / 1e9;
        context.progress("scored %,d users in %.1f s", results.size(), userSeconds);
        facts.put("user_scoring_seconds", round(userSeconds));

        ResultLayout layout = new ResultLayout(built.variants(), settings);
        Map<Aggregation.Key, Aggregation.Cell> cells = Aggregation.aggregate(results, layout, built.variants(), conf.getInt("bootstrap"), seed);

        OffPolicyReport offPolicy = null;
        if (flags.has("logs")) {
            offPolicy = OffPolicyJob.run(spark, flags.get("logs"), artifact, table, catalog, partitions, context::progress);
        }
        facts.put("total_seconds", round((System.nanoTime() - t0) / 1e9));
        EvaluationResult result = new EvaluationResult(version, cells, built.variants(), settings, arms, facts, offPolicy,
                Aggregation.comparisons(results, layout, built.variants(), settings),
                EqualQualityCost.report(EqualQualityCost.armPoints(panel), results, layout, ReportWriter.headlineK(settings),
                        ReportWriter.EQUAL_QUALITY_POLICIES, MetricsJson.SPLITS));
        writeReport(result, predictorReport, flags.get("report"), overwrite, hadoop);
        context.progress("wrote %s", flags.get("report"));
        System.out.print(ReportWriter.headline(result));
        System.out.flush();
    }

    /** {@code {"registry": ..., "latest": null, "reason": ...}}: what a scheduler reads to know that LATEST was absent. */
    private static void writeNoLatestMarker(Configuration hadoop, String uri, String registry) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("registry", registry);
        marker.put("latest", null);
        marker.put("reason", "the registry has no LATEST: nothing to evaluate");
        try {
            HadoopFiles.writeUtf8(hadoop, HadoopFiles.qualify(hadoop, uri), MARKER_JSON.writeValueAsString(marker) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the no-LATEST marker", e);
        } catch (UncheckedIOException e) {
            throw CliException.failure("--no-latest-marker " + uri + ": " + e.getMessage());
        }
    }

    private static void writeReport(EvaluationResult result, OutcomePredictorEvaluation.Report predictor, String uri, boolean overwrite,
                                    Configuration hadoop) throws IOException {
        Path local = Files.createTempDirectory("metarouter-report");
        try {
            List<String> plots = new ArrayList<>();
            int hk = ReportWriter.headlineK(result.settings());
            for (String split : MetricsJson.SPLITS) {
                Plots.utilityVsK(result, split, local.resolve("utility_vs_k_" + split + ".png"));
                plots.add("utility_vs_k_" + split + ".png");
            }
            Plots.pgcVsK(result, local.resolve("pgc_vs_k.png"));
            plots.add("pgc_vs_k.png");
            Plots.costQuality(result, hk, local.resolve("cost_quality.png"));
            plots.add("cost_quality.png");
            Plots.pgcByFamily(result, hk, local.resolve("pgc_ood_families.png"));
            plots.add("pgc_ood_families.png");
            if (result.variants().size() > 1) {
                for (String split : MetricsJson.SPLITS) {
                    Plots.poolChanges(result, split, local.resolve("pool_changes_" + split + ".png"));
                    Plots.poolSize(result, split, local.resolve("pool_size_" + split + ".png"));
                    if (Files.exists(local.resolve("pool_changes_" + split + ".png"))) plots.add("pool_changes_" + split + ".png");
                    if (Files.exists(local.resolve("pool_size_" + split + ".png"))) plots.add("pool_size_" + split + ".png");
                }
            }
            Files.writeString(local.resolve("metrics.json"), MetricsJson.write(result), StandardCharsets.UTF_8);
            String md = ReportWriter.markdown(result, plots) + "\n## Outcome predictor on the test split\n\n```\n" + predictor.toTable() + "```\n";
            Files.writeString(local.resolve("report.md"), md, StandardCharsets.UTF_8);
            try (SafeOutput out = SafeOutput.begin(hadoop, "--report", uri, overwrite)) {
                FileSystem fs = HadoopFiles.fileSystem(hadoop, out.staging());
                fs.mkdirs(out.staging());
                try (var files = Files.list(local)) {
                    for (Path f : files.toList()) {
                        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.fs.Path(out.staging(), f.getFileName().toString()));
                    }
                }
                out.commit();
            }
        } finally {
            try (var files = Files.list(local)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(local);
        }
    }

    private static TrainerConfig retrainConfig(Map<String, Object> trainingConfig, Flags flags) {
        TrainerConfig t;
        try {
            t = ModelVariants.trainerConfig(trainingConfig);
        } catch (IllegalArgumentException e) {
            throw CliException.failure("--retrain-logs: the artifact's training_config cannot be read: " + e.getMessage());
        }
        if (flags.has("retrain-iterations")) t = t.withIterations(flags.getPositiveInt("retrain-iterations", 1), t.usersPerIteration());
        return t;
    }

    static int[] parseKs(String spec) {
        try {
            int[] ks = Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
            if (ks.length == 0) throw CliException.usage("--ks is empty");
            for (int k : ks) if (k < 0) throw CliException.usage("--ks must be >= 0, got " + k);
            return ks;
        } catch (NumberFormatException e) {
            throw CliException.usage("--ks must be comma-separated integers, got '" + spec + "'");
        }
    }

    private static String join(List<Integer> ks) {
        StringBuilder sb = new StringBuilder();
        for (int k : ks) sb.append(sb.length() == 0 ? "" : ",").append(k);
        return sb.toString();
    }

    private static ProfileDistribution.Config profileConfig(Config conf) {
        try {
            return new ProfileDistribution.Config(conf.getDouble("lambda-min"), conf.getDouble("lambda-max"),
                    conf.getDouble("beta-median"), conf.getDouble("beta-log-sd"), conf.getDoubleList("ood-weights"));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("metarouter.simulate configuration: " + e.getMessage());
        }
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Double.parseDouble(String.format(Locale.ROOT, "%.6g", v)) : Double.NaN;
    }
}
