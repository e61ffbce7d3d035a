package ai.metarouter.jobs.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.TestArtifacts;
import ai.metarouter.jobs.cli.MetaRouterCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metarouter gate} through {@link MetaRouterCli#run} on metrics.json files in evaluate's
 * format (contract.md), with the default tolerances of conf/metarouter.conf unless a test sets
 * them: pass, reject, the exit codes that tell them apart, gate-report.json, and the evaluations
 * it refuses to compare; and the first-version mode ({@code --no-baseline}, a registry without
 * LATEST) with its absolute checks.
 */
class GateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int exitCode, String stdout, String stderr) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            code = MetaRouterCli.run(args, e);
        } finally {
            System.setOut(previous);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The metarouter cells at k = 0 and 6 of ID and OOD, the settings that make two runs comparable, an off-policy section. */
    private static ObjectNode metrics(int version, double utilityId, double pgcId, double utilityOod, double pgcOod, double snips) {
        ObjectNode root = JSON.createObjectNode();
        root.put("artifact_version", version);
        ObjectNode mr = root.putObject("policies").putObject("metarouter");
        double[][] bySplit = {{utilityId, pgcId}, {utilityOod, pgcOod}};
        String[] splits = {"id", "ood"};
        for (int s = 0; s < 2; s++) {
            ObjectNode split = mr.putObject(splits[s]);
            // k = 0 is deliberately far worse: the gate must read k = 6, not the first cell.
            split.putObject("0").put("utility", bySplit[s][0] - 0.3).put("pgc", bySplit[s][1] - 1).put("quality", 0.5).put("cost_usd", 0.01);
            split.putObject("6").put("utility", bySplit[s][0]).put("pgc", bySplit[s][1]).put("quality", 0.5).put("cost_usd", 0.01);
        }
        ObjectNode op = root.putObject("off_policy");
        op.put("route_events", 1600).put("users", 100);
        ObjectNode est = op.putObject("estimates");
        for (String e : GateSettings.ESTIMATORS) est.putObject(e).put("value", e.equals("snips") ? snips : 0.1).put("se", 0.01);
        root.putObject("facts").put("held_out_users_per_split", 100).put("outcomes", "/data/outcomes");
        ObjectNode settings = root.putObject("settings");
        settings.putArray("ks").add(0).add(6);
        settings.put("seed", 43);
        settings.putArray("arms").add("m1").add("m2").add("m3");
        return root;
    }

    private Path write(String name, JsonNode metrics) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("metrics.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
        return dir;
    }

    private Run gate(Path candidate, Path baseline, String... more) {
        List<String> args = new ArrayList<>(List.of("gate", "--candidate", candidate.toString(), "--baseline", baseline.toString(),
                "--report", tmp.resolve("gate-report.json").toString()));
        args.addAll(Arrays.asList(more));
        return cli(args.toArray(String[]::new));
    }

    private JsonNode report() throws IOException {
        return JSON.readTree(Files.readString(tmp.resolve("gate-report.json")));
    }

    @Test
    void aCandidateAsGoodAsLatestWithinTolerancesPasses() throws IOException {
        Path latest = write("latest", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63));
        // Better on ID, slightly worse (within the default tolerances 0.01 / 0.1 / 0.02) on OOD and off-policy.
        Path candidate = write("candidate", metrics(2, 0.62, 0.70, 0.295, 0.45, 0.615));
        Run run = gate(candidate.resolve("metrics.json"), latest);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("pass\n", run.stdout());
        JsonNode r = report();
        assertEquals("pass", r.get("decision").asText());
        assertEquals(2, r.at("/candidate/artifact_version").asInt());
        assertEquals(1, r.at("/baseline/artifact_version").asInt());
        assertEquals(5, r.get("checks").size(), "utility and PGC for ID and OOD, and the off-policy estimate");
        for (JsonNode c : r.get("checks")) assertTrue(c.get("passed").asBoolean(), c.toString());
        JsonNode ood = r.get("checks").get(2);
        assertEquals("utility", ood.get("metric").asText());
        assertEquals("ood", ood.get("split").asText());
        assertEquals(0.295 - 0.30, ood.get("difference").asDouble(), 1e-12);
        assertEquals(0.01, ood.get("tolerance").asDouble(), 0.0);
        assertEquals("snips", r.at("/settings/off_policy_estimator").asText());
        assertEquals(0, r.get("reasons").size());
    }

    @Test
    void aWorseCandidateIsRejectedWithExitCodeThreeAndEveryReason() throws IOException {
        Path latest = write("latest", metrics(4, 0.60, 0.60, 0.30, 0.50, 0.63));
        Path candidate = write("candidate", metrics(5, 0.46, 0.60, 0.30, 0.10, 0.45));
        Run run = gate(candidate, latest);
        assertEquals(GateCommand.REJECTED, run.exitCode(), run.stderr());
        assertEquals("reject\n", run.stdout());
        String last = run.stderr().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("metarouter gate: candidate v5 rejected against LATEST v4: utility id"), last);
        JsonNode r = report();
        assertEquals("reject", r.get("decision").asText());
        List<String> failed = new ArrayList<>();
        for (JsonNode c : r.get("checks")) if (!c.get("passed").asBoolean()) failed.add(c.get("metric").asText() + " " + c.get("split").asText());
        assertEquals(List.of("utility id", "pgc ood", "off_policy_snips logged"), failed);
        assertEquals(3, r.get("reasons").size());
        assertTrue(r.get("reasons").get(0).asText().contains("dropped by 0.1400, more than the allowed 0.0100"), r.toString());
    }

    @Test
    void toleranceFlagsAndTheChosenKOverrideTheConfiguration() throws IOException {
        Path latest = write("latest", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63));
        Path candidate = write("candidate", metrics(2, 0.58, 0.45, 0.30, 0.50, 0.63));
        assertEquals(GateCommand.REJECTED, gate(candidate, latest).exitCode());
        Run wide = gate(candidate, latest, "--utility-tolerance", "0.05", "--pgc-tolerance", "0.2");
        assertEquals(0, wide.exitCode(), wide.stderr());
        assertEquals(0.2, report().at("/settings/pgc_tolerance").asDouble(), 0.0);
        // At k = 0 both are 0.3 lower, so the difference is the same; k = 2 was never evaluated.
        assertEquals(GateCommand.REJECTED, gate(candidate, latest, "--k", "0").exitCode());
        Run k2 = gate(candidate, latest, "--k", "2");
        assertEquals(1, k2.exitCode());
        assertTrue(k2.stderr().contains("was not evaluated at k=2"), k2.stderr());
        Run badTolerance = gate(candidate, latest, "--utility-tolerance", "-0.1");
        assertEquals(2, badTolerance.exitCode());
        assertEquals(2, gate(candidate, latest, "--off-policy-estimator", "magic").exitCode());
    }

    @Test
    void aMissingCandidateValueFailsAndAMissingBaselineValueIsNoted() throws IOException {
        ObjectNode c = metrics(2, 0.60, 0.60, 0.30, 0.50, 0.63);
        ((ObjectNode) c.at("/policies/metarouter/ood/6")).putNull("pgc");
        Path latest = write("latest", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63));
        assertEquals(GateCommand.REJECTED, gate(write("candidate", c), latest).exitCode());
        assertTrue(report().get("reasons").get(0).asText().contains("the candidate has no value"), report().toString());

        ObjectNode b = metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63);
        ((ObjectNode) b.at("/policies/metarouter/ood/6")).putNull("pgc");
        assertEquals(0, gate(write("candidate2", metrics(2, 0.60, 0.60, 0.30, 0.50, 0.63)), write("latest2", b)).exitCode());
        assertEquals("LATEST has no value to compare with", report().get("checks").get(3).get("note").asText());
    }

    @Test
    void evaluationsOfDifferentUsersOrSeedsAreNotComparedAtAll() throws IOException {
        Path latest = write("latest", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63));
        ObjectNode otherSeed = metrics(2, 0.70, 0.70, 0.40, 0.60, 0.70);
        ((ObjectNode) otherSeed.get("settings")).put("seed", 44);
        ((ObjectNode) otherSeed.get("facts")).put("held_out_users_per_split", 50);
        Run run = gate(write("candidate", otherSeed), latest);
        assertEquals(1, run.exitCode(), "not a rejection: the set-up is wrong");
        String last = run.stderr().strip();
        assertTrue(last.contains("not comparable: settings.seed differs (candidate 44, LATEST 43); facts.held_out_users_per_split differs"),
                last);
        assertFalse(Files.exists(tmp.resolve("gate-report.json")), "no decision, no report");

        Run same = gate(write("same", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63)), latest);
        assertEquals(1, same.exitCode());
        assertTrue(same.stderr().contains("the same version v1"), same.stderr());

        Run missing = gate(tmp.resolve("no-such-report"), latest);
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("does not exist"), missing.stderr());

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("metrics.json"), "{\"artifact_version\": 2,\n  oops}");
        Run bad = gate(broken, latest);
        assertEquals(1, bad.exitCode());
        assertTrue(bad.stderr().contains("not valid JSON at line 2"), bad.stderr());
    }

    @Test
    void withoutOffPolicySectionsTheGateNeedsEstimatorNone() throws IOException {
        ObjectNode c = metrics(2, 0.60, 0.60, 0.30, 0.50, 0.63);
        ObjectNode b = metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63);
        c.remove("off_policy");
        b.remove("off_policy");
        Path candidate = write("candidate", c);
        Path latest = write("latest", b);
        Run run = gate(candidate, latest);
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("has no off_policy section"), run.stderr());
        Run none = gate(candidate, latest, "--off-policy-estimator", "none");
        assertEquals(0, none.exitCode(), none.stderr());
        assertEquals(4, report().get("checks").size());
    }

    @Test
    void withARegistryLatestMustStillBeTheEvaluatedBaseline() throws IOException {
        Path registry = tmp.resolve("registry");
        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            for (int v = 1; v <= 3; v++) r.publish(TestArtifacts.draft("v" + v), TestArtifacts.bundle(v), TestArtifacts.trainingLog("v" + v));
            r.promote(1);
        }
        Path latest = write("latest", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63));
        Path candidate = write("candidate", metrics(3, 0.61, 0.60, 0.30, 0.50, 0.63));
        assertEquals(0, gate(candidate, latest, "--registry", registry.toString()).exitCode());
        assertEquals(1, report().get("latest_at_gate").asInt());

        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            r.promote(2);
        }
        Files.delete(tmp.resolve("gate-report.json"));
        Run moved = gate(candidate, latest, "--registry", registry.toString());
        assertEquals(1, moved.exitCode());
        assertTrue(moved.stderr().contains("is v2, not the evaluated baseline v1"), moved.stderr());
        assertFalse(Files.exists(tmp.resolve("gate-report.json")));
    }

    private Run firstVersion(Path candidate, String... more) {
        List<String> args = new ArrayList<>(List.of("gate", "--candidate", candidate.toString(), "--no-baseline",
                "--report", tmp.resolve("gate-report.json").toString()));
        args.addAll(Arrays.asList(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void aFirstVersionWithoutBaselinePassesTheAbsoluteChecksAndReportsANullBaseline() throws IOException {
        // PGC at k = 6 is positive in both splits (at k = 0 it is 1 lower, i.e. negative: the gate must read k = 6).
        Path candidate = write("candidate", metrics(1, 0.55, 0.40, 0.30, 0.05, 0.61));
        Run run = firstVersion(candidate);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("pass\n", run.stdout());
        assertTrue(run.stderr().contains("candidate v1 passed the first-version checks (no LATEST)"), run.stderr());
        JsonNode r = report();
        assertEquals("pass", r.get("decision").asText());
        assertEquals("first_version", r.get("mode").asText());
        assertTrue(r.has("baseline") && r.get("baseline").isNull(), r.toString());
        assertFalse(r.has("latest_at_gate"), "no --registry, no LATEST read");
        assertEquals(1, r.at("/candidate/artifact_version").asInt());
        assertEquals(0.0, r.at("/settings/min_pgc/id").asDouble(), 0.0);
        assertEquals(0.0, r.at("/settings/min_pgc/ood").asDouble(), 0.0);
        List<String> checked = new ArrayList<>();
        for (JsonNode c : r.get("checks")) {
            checked.add(c.get("metric").asText() + " " + c.get("split").asText());
            assertTrue(c.get("passed").asBoolean(), c.toString());
            assertTrue(c.get("baseline").isNull() && c.get("difference").isNull(), c.toString());
            assertFalse(c.has("tolerance"), "an absolute check has a minimum, not a tolerance");
        }
        assertEquals(List.of("utility id", "pgc id", "utility ood", "pgc ood", "off_policy_snips logged"), checked);
        JsonNode pgcOod = r.get("checks").get(3);
        assertEquals(0.05, pgcOod.get("candidate").asDouble(), 1e-12);
        assertEquals(0.0, pgcOod.get("minimum").asDouble(), 0.0);
        assertTrue(r.get("checks").get(0).get("minimum").isNull(), "utility is only required to be finite");

        assertEquals(GateCommand.REJECTED, firstVersion(candidate, "--k", "0").exitCode(), "at k = 0 the PGC is negative");
    }

    @Test
    void aFirstVersionWorseThanThePopulationRouterOrWithoutAValueIsRejected() throws IOException {
        ObjectNode m = metrics(1, 0.55, 0.40, 0.30, -0.20, 0.61);
        ((ObjectNode) m.at("/policies/metarouter/id/6")).putNull("utility");
        Path candidate = write("candidate", m);
        Run run = firstVersion(candidate);
        assertEquals(GateCommand.REJECTED, run.exitCode(), run.stderr());
        assertEquals("reject\n", run.stdout());
        String last = run.stderr().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("metarouter gate: candidate v1 rejected by the first-version checks (no LATEST): utility id: "
                + "candidate n/a: the candidate has no value; pgc ood: candidate -0.2000: below the minimum 0.0000 by 0.2000"), last);
        JsonNode r = report();
        assertEquals("reject", r.get("decision").asText());
        assertTrue(r.get("baseline").isNull());
        assertEquals(2, r.get("reasons").size());

        // The minima come from metarouter.gate.first-version; the flags win. The missing utility still fails.
        Path fixed = write("fixed", metrics(1, 0.55, 0.40, 0.30, -0.20, 0.61));
        assertEquals(GateCommand.REJECTED, firstVersion(fixed).exitCode());
        Run tolerant = firstVersion(fixed, "--min-pgc-ood", "-0.25");
        assertEquals(0, tolerant.exitCode(), tolerant.stderr());
        assertEquals(-0.25, report().at("/settings/min_pgc/ood").asDouble(), 0.0);
        Path strictConf = tmp.resolve("strict.conf");
        Files.writeString(strictConf, "metarouter.gate.first-version.min-pgc-id = 0.5\n");
        Run strict = firstVersion(fixed, "--min-pgc-ood", "-0.25", "--conf", strictConf.toString());
        assertEquals(GateCommand.REJECTED, strict.exitCode(), strict.stderr());
        assertEquals(0.5, report().at("/settings/min_pgc/id").asDouble(), 0.0);
    }

    @Test
    void aFirstVersionNeedsTheRegistryWithoutLatestAndExactlyOneOfBaselineAndNoBaseline() throws IOException {
        Path registry = tmp.resolve("registry");
        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            r.publish(TestArtifacts.draft("v1"), TestArtifacts.bundle(1), TestArtifacts.trainingLog("v1"));
        }
        Path candidate = write("candidate", metrics(1, 0.55, 0.40, 0.30, 0.05, 0.61));
        Run empty = firstVersion(candidate, "--registry", registry.toString());
        assertEquals(0, empty.exitCode(), empty.stderr());
        assertTrue(report().get("latest_at_gate").isNull(), report().toString());

        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            r.promote(1);
        }
        Files.delete(tmp.resolve("gate-report.json"));
        Run promoted = firstVersion(candidate, "--registry", registry.toString());
        assertEquals(1, promoted.exitCode(), "not a rejection: there is a baseline to compare with");
        assertTrue(promoted.stderr().contains("is v1, so there is a baseline after all"), promoted.stderr());
        assertFalse(Files.exists(tmp.resolve("gate-report.json")));

        Path latest = write("latest", metrics(1, 0.60, 0.60, 0.30, 0.50, 0.63));
        assertEquals(2, gate(candidate, latest, "--no-baseline").exitCode(), "both --baseline and --no-baseline");
        Run neither = cli("gate", "--candidate", candidate.toString(), "--report", tmp.resolve("gate-report.json").toString());
        assertEquals(2, neither.exitCode());
        assertTrue(neither.stderr().contains("exactly one of --baseline"), neither.stderr());
        assertEquals(2, gate(write("candidate2", metrics(2, 0.60, 0.60, 0.30, 0.50, 0.63)), latest, "--min-pgc-id", "0").exitCode(),
                "the minima belong to the first-version mode");
    }

    @Test
    void aFirstVersionMustBeEvaluatedAtKAndWithTheOffPolicyLogUnlessTheEstimatorIsNone() throws IOException {
        ObjectNode m = metrics(1, 0.55, 0.40, 0.30, 0.05, 0.61);
        m.remove("off_policy");
        Path candidate = write("candidate", m);
        Run run = firstVersion(candidate);
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("candidate metrics.json has no off_policy section"), run.stderr());
        Run none = firstVersion(candidate, "--off-policy-estimator", "none");
        assertEquals(0, none.exitCode(), none.stderr());
        assertEquals(4, report().get("checks").size());
        Run k2 = firstVersion(candidate, "--off-policy-estimator", "none", "--k", "2");
        assertEquals(1, k2.exitCode());
        assertTrue(k2.stderr().contains("candidate was not evaluated at k=2"), k2.stderr());
    }

    @Test
    void theGateIsListedAfterEvaluate() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, MetaRouterCli.run(new String[] {"--help"}, new PrintStream(err, true, StandardCharsets.UTF_8)));
        String help = err.toString(StandardCharsets.UTF_8);
        assertTrue(help.indexOf("  evaluate ") < help.indexOf("  gate ") && help.indexOf("  gate ") < help.indexOf("  promote "), help);
    }
}
