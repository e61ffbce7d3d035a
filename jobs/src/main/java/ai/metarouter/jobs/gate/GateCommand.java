package ai.metarouter.jobs.gate;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.jobs.cli.CliException;
import ai.metarouter.jobs.cli.Command;
import ai.metarouter.jobs.cli.FlagSpec;
import ai.metarouter.jobs.cli.Flags;
import ai.metarouter.jobs.cli.JobContext;
import ai.metarouter.jobs.io.HadoopFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code metarouter gate --candidate <report dir|metrics.json> (--baseline <report dir|metrics.json> | --no-baseline)
 * --report <gate-report.json> [--registry <uri>] [--k K --utility-tolerance T --pgc-tolerance T
 * --off-policy-estimator E|none --off-policy-tolerance T --min-pgc-id P --min-pgc-ood P]}: decides
 * whether the candidate may replace LATEST ({@link Gate}); defaults come from
 * {@code metarouter.gate}, flags win. Writes {@code gate-report.json} (every check with its values)
 * and prints {@code pass} or {@code reject} on stdout.
 *
 * <p>With {@code --baseline} the candidate is compared with LATEST's evaluation. With
 * {@code --no-baseline} (a registry without LATEST: the first version) it must pass the absolute
 * checks of {@code metarouter.gate.first-version} on its own ({@link Gate#firstVersion}); the
 * report's {@code baseline} is null, and with {@code --registry} LATEST must still be absent.
 *
 * <p>Exit codes say what happened, so a scheduler can tell a worse model from a broken run:
 * 0 the candidate passed; {@value #REJECTED} it was rejected (report written, LATEST must stay);
 * 1 the gate could not decide (unreadable or incomparable evaluations, or LATEST no longer the
 * evaluated baseline, or present after all with {@code --no-baseline}); 2 a wrong command line.
 * Never starts Spark.
 */
public final class GateCommand implements Command {
    /** Exit code of a rejected candidate. */
    public static final int REJECTED = 3;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;

    /** Prints to {@code System.out} as it is when the command runs. */
    public GateCommand() {
        this(null);
    }

    GateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "gate";
    }

    @Override
    public String summary() {
        return "compare a candidate's and LATEST's evaluate metrics.json (or, with no LATEST, check the candidate alone): pass (exit 0) or reject (exit "
                + REJECTED + "), gate-report.json";
    }

    @Override
    public List<FlagSpec> flags() {
        return List.of(
                FlagSpec.required("candidate", "<dir|file>", "evaluate --report dir (or its metrics.json) of the candidate version"),
                FlagSpec.optional("baseline", "<dir|file>", "evaluate --report dir (or its metrics.json) of LATEST, same --users and --seed"),
                FlagSpec.flag("no-baseline", "the registry has no LATEST (first version): absolute checks of metarouter.gate.first-version instead"),
                FlagSpec.required("report", "<file>", "gate-report.json to write (the decision and every check)"),
                FlagSpec.optional("registry", "<uri>", "also check that LATEST still names the evaluated baseline version"),
                FlagSpec.optional("k", "<k>", "feedback contexts the held-out metrics are read at (default metarouter.gate.k)"),
                FlagSpec.optional("utility-tolerance", "<t>", "allowed drop of held-out utility (default metarouter.gate.utility-tolerance)"),
                FlagSpec.optional("pgc-tolerance", "<t>", "allowed drop of PGC (default metarouter.gate.pgc-tolerance)"),
                FlagSpec.optional("off-policy-estimator", "<e|none>", "ips, snips, dm, dr, or none (default metarouter.gate.off-policy-estimator)"),
                FlagSpec.optional("off-policy-tolerance", "<t>", "allowed drop of the off-policy estimate (default metarouter.gate.off-policy-tolerance)"),
                FlagSpec.optional("min-pgc-id", "<p>", "--no-baseline: smallest PGC of the ID split (default metarouter.gate.first-version.min-pgc-id)"),
                FlagSpec.optional("min-pgc-ood", "<p>", "--no-baseline: smallest PGC of the OOD split (default metarouter.gate.first-version.min-pgc-ood)"));
    }

    @Override
    public void run(Flags flags, JobContext context) {
        boolean firstVersion = flags.isSet("no-baseline");
        if (firstVersion == flags.has("baseline")) {
            throw CliException.usage(name() + ": give exactly one of --baseline <dir|file> (LATEST's evaluation) and --no-baseline "
                    + "(the registry has no LATEST yet)");
        }
        if (!firstVersion && (flags.has("min-pgc-id") || flags.has("min-pgc-ood"))) {
            throw CliException.usage(name() + ": --min-pgc-id and --min-pgc-ood apply only with --no-baseline");
        }
        GateSettings settings = settings(flags, context.config());
        Configuration hadoop = new Configuration();
        Path candidatePath = metricsFile(hadoop, flags.get("candidate"));
        Path baselinePath = firstVersion ? null : metricsFile(hadoop, flags.get("baseline"));
        GateResult result;
        try {
            result = firstVersion
                    ? Gate.firstVersion(read(hadoop, candidatePath), settings)
                    : Gate.decide(read(hadoop, candidatePath), read(hadoop, baselinePath), settings);
        } catch (Gate.NotComparableException e) {
            throw CliException.failure(e.getMessage());
        }
        Integer latestNow = null;
        if (flags.has("registry")) {
            latestNow = latestPointer(flags.get("registry"));
            if (firstVersion && latestNow != null) {
                throw CliException.failure("LATEST of " + flags.get("registry") + " is v" + latestNow + ", so there is a baseline after all: "
                        + "evaluate LATEST and gate against it with --baseline");
            }
            if (!firstVersion && (latestNow == null || !latestNow.equals(result.baselineVersion()))) {
                throw CliException.failure("LATEST of " + flags.get("registry") + " is " + (latestNow == null ? "missing" : "v" + latestNow)
                        + ", not the evaluated baseline v" + result.baselineVersion() + ": evaluate LATEST again before gating");
            }
        }
        for (GateCheck c : result.checks()) context.progress("%s %s", c.passed() ? "ok  " : "FAIL", c.describe());
        Path reportPath = HadoopFiles.qualify(hadoop, flags.get("report"));
        try {
            HadoopFiles.writeUtf8(hadoop, reportPath, toJson(result, settings, candidatePath, baselinePath, flags.has("registry"), latestNow));
        } catch (UncheckedIOException e) {
            throw CliException.failure(e.getMessage());
        }
        PrintStream stdout = out != null ? out : System.out;
        stdout.println(result.passed() ? "pass" : "reject");
        stdout.flush();
        String judge = result.firstVersion() ? "the first-version checks (no LATEST)" : "LATEST v" + result.baselineVersion();
        if (!result.passed()) {
            throw new CliException(REJECTED, "candidate v" + result.candidateVersion() + " rejected " + (result.firstVersion() ? "by " : "against ")
                    + judge + ": " + String.join("; ", result.reasons()) + " (" + reportPath + ")");
        }
        context.progress("candidate v%d passed %s%s (%s)", result.candidateVersion(), result.firstVersion() ? "" : "against ", judge, reportPath);
    }

    /** {@code metarouter.gate} with the flags laid over it. */
    GateSettings settings(Flags flags, Config config) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (flags.has("k")) overrides.put("k", flags.getInt("k", 0));
        if (flags.has("utility-tolerance")) overrides.put("utility-tolerance", flags.getDouble("utility-tolerance", 0));
        if (flags.has("pgc-tolerance")) overrides.put("pgc-tolerance", flags.getDouble("pgc-tolerance", 0));
        if (flags.has("off-policy-estimator")) overrides.put("off-policy-estimator", flags.get("off-policy-estimator"));
        if (flags.has("off-policy-tolerance")) overrides.put("off-policy-tolerance", flags.getDouble("off-policy-tolerance", 0));
        if (flags.has("min-pgc-id")) overrides.put("first-version.min-pgc-id", flags.getDouble("min-pgc-id", 0));
        if (flags.has("min-pgc-ood")) overrides.put("first-version.min-pgc-ood", flags.getDouble("min-pgc-ood", 0));
        try {
            return GateSettings.fromConfig(ConfigFactory.parseMap(overrides).withFallback(config.getConfig("metarouter.gate")));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(name() + ": " + e.getMessage());
        }
    }

    /** A report directory means its metrics.json. */
    private static Path metricsFile(Configuration hadoop, String uri) {
        Path p = HadoopFiles.qualify(hadoop, uri);
        return HadoopFiles.isDirectory(hadoop, p) ? new Path(p, "metrics.json") : p;
    }

    private static JsonNode read(Configuration hadoop, Path path) {
        String text;
        try {
            text = HadoopFiles.readUtf8(hadoop, path);
        } catch (UncheckedIOException e) {
            throw CliException.failure(e.getMessage());
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) throw CliException.failure(path + ": not a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw CliException.failure(path + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    private static Integer latestPointer(String registryUri) {
        try (ArtifactRegistry registry = ArtifactRegistry.open(registryUri)) {
            OptionalInt p = registry.latestPointer();
            return p.isPresent() ? p.getAsInt() : null;
        } catch (ArtifactException e) {
            throw CliException.failure("--registry " + registryUri + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--registry: " + e.getMessage());
        } catch (IOException e) {
            throw CliException.failure("cannot read LATEST of " + registryUri + ": " + e.getMessage());
        }
    }

    /**
     * gate-report.json. {@code mode} is {@code against_latest} or {@code first_version}; a first
     * version has {@code "baseline": null}, its settings are the minima instead of the tolerances,
     * and its checks have {@code minimum} (null where only a finite value is asked for) instead of
     * {@code tolerance}; with a registry, {@code latest_at_gate} is LATEST when the gate ran.
     */
    static String toJson(GateResult r, GateSettings s, Path candidate, Path baseline, boolean registryChecked, Integer latestNow) {
        ObjectNode root = JSON.createObjectNode();
        root.put("decision", r.passed() ? "pass" : "reject");
        root.put("mode", r.firstVersion() ? "first_version" : "against_latest");
        ObjectNode c = root.putObject("candidate");
        c.put("artifact_version", r.candidateVersion());
        c.put("metrics", candidate.toString());
        if (r.firstVersion()) {
            root.putNull("baseline");
        } else {
            ObjectNode b = root.putObject("baseline");
            b.put("artifact_version", r.baselineVersion());
            b.put("metrics", baseline.toString());
        }
        if (registryChecked && latestNow == null) root.putNull("latest_at_gate");
        else if (registryChecked) root.put("latest_at_gate", latestNow);
        ObjectNode st = root.putObject("settings");
        st.put("k", s.k());
        st.set("splits", JSON.valueToTree(s.splits()));
        if (r.firstVersion()) {
            ObjectNode minPgc = st.putObject("min_pgc");
            for (String split : s.splits()) minPgc.put(split, s.firstVersion().minPgc(split));
        } else {
            st.put("utility_tolerance", s.utilityTolerance());
            st.put("pgc_tolerance", s.pgcTolerance());
        }
        st.put("off_policy_estimator", s.offPolicyEstimator() == null ? GateSettings.NONE : s.offPolicyEstimator());
        if (!r.firstVersion()) st.put("off_policy_tolerance", s.offPolicyTolerance());
        ArrayNode checks = root.putArray("checks");
        for (GateCheck check : r.checks()) {
            ObjectNode n = checks.addObject();
            n.put("metric", check.metric());
            n.put("split", check.split());
            number(n, "candidate", check.candidate());
            number(n, "baseline", check.baseline());
            number(n, "difference", check.candidate() == null || check.baseline() == null ? null : check.candidate() - check.baseline());
            if (r.firstVersion()) number(n, "minimum", check.minimum());
            else number(n, "tolerance", check.tolerance());
            n.put("passed", check.passed());
            n.put("note", check.note());
        }
        ArrayNode reasons = root.putArray("reasons");
        r.reasons().forEach(reasons::add);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write gate-report.json", e);
        }
    }

    private static void number(ObjectNode n, String key, Double v) {
        if (v == null) n.putNull(key);
        else n.put(key, v);
    }
}
