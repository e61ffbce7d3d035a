package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.jobs.cli.MetaRouterCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole flow through the CLI as a user runs it: generate-benchmark -> simulate -> train ->
 * evaluate (with off-policy evaluation on the simulated log), then metrics.json checked against
 * contract.md and report.md against its plots. Each command owns its local[2] session.
 */
class EvaluateCliTest {
    private static final List<String> CONTRACT_POLICIES = List.of("random", "cheapest", "strongest", "best_single", "population",
            "per_user_fit", "linucb", "known_preference", "oracle", "metarouter");
    private static final List<String> CELL_FIELDS = List.of("utility", "quality", "cost_usd", "pgc", "oracle_share");

    @TempDir
    Path tmp;

    private static int cli(List<String> lines, String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit;
        try (PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            exit = MetaRouterCli.run(args, err);
        }
        lines.addAll(buffer.toString(StandardCharsets.UTF_8).lines().toList());
        return exit;
    }

    @Test
    void generateSimulateTrainEvaluate() throws IOException {
        List<String> log = new ArrayList<>();
        String bench = tmp.resolve("bench").toString();
        String sim = tmp.resolve("sim").toString();
        String registry = tmp.resolve("registry").toString();
        Path report = tmp.resolve("report");
        Path conf = tmp.resolve("small.conf");
        Files.writeString(conf, "metarouter.train.iterations = 3\nmetarouter.train.users-per-iteration = 16\n"
                + "metarouter.evaluate.population-users = 16\nmetarouter.evaluate.bootstrap = 20\n"
                + "metarouter.evaluate.pool-sizes = [2]\nmetarouter.evaluate.pool-replicates = 1\n");
        assertEquals(0, cli(log, "generate-benchmark", "--output", bench, "--queries", "160", "--models", "4", "--seed", "3",
                "--master", "local[2]"), String.join("\n", log));
        assertEquals(0, cli(log, "simulate", "--outcomes", bench, "--output", sim, "--users", "24", "--contexts", "4", "--routes", "4",
                "--seed", "4", "--master", "local[2]"), String.join("\n", log));
        assertEquals(0, cli(log, "train", "--logs", sim, "--outcomes", bench, "--registry", registry, "--conf", conf.toString(),
                "--master", "local[2]"), String.join("\n", log));

        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = cli(log, "evaluate", "--registry", registry, "--version", "1", "--outcomes", bench, "--report", report.toString(),
                    "--users", "10", "--ks", "0,1,2,6", "--sweep-k", "2", "--sweep-users", "3", "--logs", sim, "--conf", conf.toString(),
                    "--master", "local[2]");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, exit, String.join("\n", log));
        String headline = out.toString(StandardCharsets.UTF_8);
        assertTrue(headline.contains("metarouter") && headline.contains("PGC denominator ID"), headline);

        JsonNode m = new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
        assertTrue(m.get("artifact_version").isInt());
        assertEquals(1, m.get("artifact_version").asInt());
        JsonNode policies = m.get("policies");
        assertEquals(new TreeSet<>(CONTRACT_POLICIES), names(policies));
        for (String p : CONTRACT_POLICIES) {
            assertEquals(Set.of("id", "ood"), names(policies.get(p)), p);
            for (String split : List.of("id", "ood")) {
                JsonNode byK = policies.get(p).get(split);
                assertEquals(Set.of("0", "1", "2", "6"), names(byK));
                for (Iterator<String> ks = byK.fieldNames(); ks.hasNext(); ) {
                    JsonNode cell = byK.get(ks.next());
                    for (String f : CELL_FIELDS) assertTrue(cell.has(f), p + "/" + split + " lacks " + f);
                    assertTrue(cell.get("utility").isNumber() && cell.get("quality").isNumber() && cell.get("cost_usd").isNumber());
                }
            }
        }
        assertEquals(0.0, policies.get("population").get("id").get("6").get("pgc").asDouble(), 1e-12);
        assertEquals(1.0, policies.get("known_preference").get("ood").get("6").get("pgc").asDouble(), 1e-12);
        assertEquals(1.0, policies.get("oracle").get("id").get("2").get("oracle_share").asDouble(), 1e-12);
        assertTrue(m.get("off_policy").get("route_events").asLong() > 0);
        assertTrue(m.get("sweeps").has("drop") && m.get("sweeps").has("onboard") && m.get("sweeps").has("size"));
        // Cost at equal quality, per user against the single-model frontier: a user of best_single uses one model,
        // which is on or above the frontier, so best_single never saves anything.
        JsonNode equal = m.get("cost_at_equal_quality");
        assertEquals(6, equal.get("k").asInt());
        JsonNode mr = equal.get("metarouter").get("id");
        assertEquals(m.get("pgc_denominators").get("id").get("users").asInt(), mr.get("users").asInt() + mr.get("beyond_frontier").asInt(),
                "every held-out ID user is accounted for: " + mr);
        // Pool sweeps are compared with their reference over the same (sweep) users, never with the full split.
        int poolComparisons = 0;
        for (JsonNode c : m.get("paired_comparisons")) {
            if (!c.get("what").asText().startsWith("pool ")) continue;
            poolComparisons++;
            assertTrue(c.get("users").asInt() > 0 && c.get("users").asInt() <= m.get("facts").get("sweep_users_per_split").asInt(), c.toString());
        }
        assertTrue(poolComparisons > 0, "no paired pool comparison in metrics.json");
        JsonNode single = equal.get("best_single").get("id");
        assertTrue(single.get("saving").isNull() || single.get("saving").asDouble() <= 1e-12,
                "a mix of single models is never beaten by one of them: " + single);
        assertTrue(equal.get("metarouter_active").has("ood"));

        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("## Cost at equal quality (k = 6)"), "report.md lacks the cost-at-equal-quality table");
        byte[] pngMagic = {(byte) 0x89, 'P', 'N', 'G'};
        for (String png : List.of("utility_vs_k_id.png", "utility_vs_k_ood.png", "pgc_vs_k.png", "cost_quality.png",
                "pgc_ood_families.png", "pool_changes_id.png", "pool_size_id.png")) {
            assertTrue(md.contains("(" + png + ")"), "report.md does not show " + png);
            byte[] head = new byte[4];
            System.arraycopy(Files.readAllBytes(report.resolve(png)), 0, head, 0, 4);
            assertArrayEquals(pngMagic, head, png + " is not a PNG");
        }

        // A second run into the same directory refuses without --overwrite.
        List<String> again = new ArrayList<>();
        int refused = cli(again, "evaluate", "--registry", registry, "--outcomes", bench, "--report", report.toString(), "--version", "1",
                "--master", "local[2]");
        assertTrue(refused != 0);
        assertTrue(again.stream().anyMatch(l -> l.contains("--report") && l.contains("already exists")), String.join("\n", again));

        // Sweeps need their k among the evaluated ks (they are compared with the full pool there).
        List<String> sweepK = new ArrayList<>();
        assertTrue(cli(sweepK, "evaluate", "--registry", registry, "--outcomes", bench, "--report", tmp.resolve("r2").toString(),
                "--ks", "0,1", "--sweep-k", "6", "--master", "local[2]") != 0);
        assertTrue(sweepK.stream().anyMatch(l -> l.contains("--sweep-k 6 must be one of --ks")), String.join("\n", sweepK));
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
