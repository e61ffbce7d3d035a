package ai.metarouter.core.serve;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.Manifest;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.serve.reload.VersionRefusedException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code scripts/metarouter self-check --registry <uri> [--version N|latest] [--require-latest]
 * [--query <text>]}: what a serving tier would do with a version, done once, on core's class path
 * alone (no Spark, no Hadoop), as the post-promotion check of the nightly flow. It starts the
 * serving library ({@link RouterService}) pinned to the version, which verifies the manifest, every
 * checksum and the weights' format; routes a probe query for a new user among all the version's
 * models; gives that user one pairwise comparison; and routes again. It passes when every decision
 * names one of the candidates with a propensity in (0, 1], every score is finite, the version that
 * decided is the one asked for, and the feedback changed the user's scores (adaptation works).
 * With {@code --require-latest} the registry's {@code LATEST} must also name the version.
 *
 * <p>Prints one JSON object on stdout (version, models, probe decisions); exit 0 when it passes,
 * 1 with a one-line reason when it does not, 2 for a wrong command line.
 */
public final class SelfCheck {
    /** The probe: a query any router can route. */
    static final String DEFAULT_QUERY = "Prove that the square root of 2 is irrational, step by step.";
    static final String PROBE_USER = "metarouter-self-check";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SelfCheck() {}

    /** The command line: {@code version} is {@code latest} or a number. */
    record Options(String registry, String version, boolean requireLatest, String query) {}

    /** A check that did not pass: its message is the one-line reason. */
    static final class CheckFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        CheckFailedException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code (used by main and by tests). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("metarouter self-check: " + e.getMessage());
            return 2;
        }
        if (options == null) {
            err.print(usage());
            return 0;
        }
        try {
            out.println(check(options, err));
            out.flush();
            return 0;
        } catch (CheckFailedException e) {
            err.println("metarouter self-check: FAILED: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException | ArtifactException | VersionRefusedException | IllegalStateException
                 | IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            err.println("metarouter self-check: FAILED: " + m.replace('\n', ' ').replace('\r', ' '));
            return 1;
        }
    }

    /** Null for --help. */
    static Options parse(String[] args) {
        String registry = null;
        String version = ArtifactLayout.LATEST_REF;
        boolean requireLatest = false;
        String query = DEFAULT_QUERY;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--require-latest" -> requireLatest = true;
                case "--registry", "--version", "--query" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        problems.add(a + " needs a value");
                        continue;
                    }
                    String v = args[++i];
                    if (a.equals("--registry")) registry = v;
                    else if (a.equals("--version")) version = v;
                    else query = v;
                }
                default -> problems.add("unknown argument '" + a + "'");
            }
        }
        if (registry == null) problems.add("missing --registry <uri>");
        if (!version.equalsIgnoreCase(ArtifactLayout.LATEST_REF) && !version.strip().matches("v?[0-9]+")) {
            problems.add("--version must be a version number or latest, got '" + version + "'");
        }
        if (query.isBlank()) problems.add("--query is empty");
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
        return new Options(registry, version.strip(), requireLatest, query);
    }

    static String usage() {
        return """
                usage: metarouter self-check --registry <uri> [--version N|latest] [--require-latest] [--query <text>]
                  load a version with the serving library (no Spark), route a probe, adapt to one feedback, route again
                  --registry <uri>    (required) artifact registry
                  --version <N>       the version to check (default: the one LATEST names)
                  --require-latest    also fail unless LATEST names that version (after a promotion)
                  --query <text>      the probe query
                """;
    }

    /** The checks; returns the JSON summary. */
    static String check(Options o, PrintStream log) throws IOException, VersionRefusedException, CheckFailedException {
        long t0 = System.nanoTime();
        int version;
        Integer latest;
        try (ArtifactRegistry registry = ArtifactRegistry.open(o.registry())) {
            version = registry.resolve(o.version());
            OptionalInt pointer = registry.latestPointer();
            latest = pointer.isPresent() ? pointer.getAsInt() : null;
        }
        if (o.requireLatest() && (latest == null || latest != version)) {
            throw new CheckFailedException("LATEST of " + o.registry() + " names " + (latest == null ? "nothing" : "v" + latest)
                    + ", not v" + version);
        }
        ServeConfig config = ServeConfig.defaults(o.registry()).version(Integer.toString(version))
                .pollInterval(Duration.ofHours(1)).build();
        try (RouterService service = RouterService.start(config, Clock.systemUTC(), log)) {
            List<String> arms = service.version().armIds();
            if (arms.isEmpty()) throw new CheckFailedException("v" + version + " routes among no models");
            RouteResult first = route(service, o.query(), version, arms);
            ObjectNode summary = JSON.createObjectNode();
            summary.put("registry", o.registry());
            summary.put("version", version);
            if (latest == null) summary.putNull("latest");
            else summary.put("latest", latest);
            summary.put("models", arms.size());
            summary.put("fingerprint", service.version().fingerprint());
            decision(summary.putObject("probe"), first);
            if (arms.size() >= 2) {
                // The user prefers the cheapest model's answer to the dearest one's: one comparison must move the scores.
                List<Manifest.ModelEntry> byCost = new ArrayList<>(service.version().catalog());
                byCost.sort(Comparator.comparingDouble(Manifest.ModelEntry::meanCostUsd));
                Manifest.ModelEntry cheap = byCost.get(0);
                Manifest.ModelEntry dear = byCost.get(byCost.size() - 1);
                Outcome a = new Outcome(dear.id(), 0.9, dear.meanCostUsd());
                Outcome b = new Outcome(cheap.id(), 0.7, cheap.meanCostUsd());
                service.feedback(new FeedbackRequest(PROBE_USER, new Feedback.Pairwise(o.query(), a, b, false)));
                RouteResult second = route(service, o.query(), version, arms);
                if (second.scores().equals(first.scores())) {
                    throw new CheckFailedException("v" + version + ": one feedback event left the user's scores unchanged " + first.scores());
                }
                decision(summary.putObject("after_feedback"), second);
            }
            summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1e3);
            try {
                return JSON.writeValueAsString(summary);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static RouteResult route(RouterService service, String query, int version, List<String> arms) throws CheckFailedException {
        RouteResult r = service.route(new RouteRequest(PROBE_USER, query, null));
        if (r.artifactVersion() != version) throw new CheckFailedException("routed by v" + r.artifactVersion() + ", not v" + version);
        if (!arms.contains(r.model())) throw new CheckFailedException("v" + version + " chose '" + r.model() + "', not a candidate");
        if (!(r.propensity() > 0 && r.propensity() <= 1)) {
            throw new CheckFailedException("v" + version + " chose " + r.model() + " with propensity " + r.propensity() + ", not in (0, 1]");
        }
        if (!r.scores().keySet().equals(new java.util.LinkedHashSet<>(arms))) {
            throw new CheckFailedException("v" + version + " scored " + r.scores().keySet() + ", not every candidate " + arms);
        }
        for (Map.Entry<String, Double> s : r.scores().entrySet()) {
            if (!Double.isFinite(s.getValue())) throw new CheckFailedException("v" + version + " scores " + s.getKey() + " " + s.getValue());
        }
        return r;
    }

    private static void decision(ObjectNode n, RouteResult r) {
        n.put("model", r.model());
        n.put("propensity", r.propensity());
        ObjectNode scores = n.putObject("scores");
        r.scores().forEach(scores::put);
    }
}
