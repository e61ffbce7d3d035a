package ai.metarouter.jobs.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.data.ModelCatalog;
import ai.metarouter.jobs.cli.MetaRouterCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate-benchmark and simulate through {@link MetaRouterCli#run}, as a user runs them. Each
 * successful command starts and stops its own local[2] session (the CLI owns its session), so this
 * class keeps the Spark runs to the few that the end-to-end path needs.
 */
class SimulateCliTest {
    @TempDir
    Path tmp;

    /** Exit code and what the command wrote to its error stream. */
    private record Run(int exit, List<String> lines) {
        /** The lines that are the CLI's one-line verdicts (progress lines start with '['). */
        List<String> errors() {
            return lines.stream().filter(l -> l.startsWith("metarouter ")).toList();
        }
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit;
        try (PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            exit = MetaRouterCli.run(args, err);
        }
        return new Run(exit, buffer.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static Set<String> visibleNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).collect(Collectors.toSet());
        }
    }

    @Test
    void generateThenSimulateEndToEnd() throws IOException {
        Path bench = tmp.resolve("bench");
        Run gen = cli("generate-benchmark", "--output", bench.toString(), "--queries", "200", "--models", "5",
                "--seed", "3", "--master", "local[2]");
        assertEquals(0, gen.exit(), String.join("\n", gen.lines()));
        assertEquals(Set.of("outcomes", "models.json"), visibleNames(bench));
        ModelCatalog catalog = ModelCatalog.fromJson(Files.readString(bench.resolve("models.json")), "models.json");
        assertEquals("synthetic", catalog.source());
        assertEquals(5, catalog.size());
        assertTrue(catalog.models().stream().allMatch(m -> m.inputPrice() != null && m.outputPrice() != null && m.queries() == 200));

        Path sim = tmp.resolve("sim");
        String[] simulate = {"simulate", "--outcomes", bench.toString(), "--output", sim.toString(), "--users", "20",
            "--profiles", "ood", "--contexts", "2", "--routes", "3", "--seed", "4", "--start-date", "2025-05-01",
            "--days", "3", "--policy", "epsilon-strongest:0.3", "--partitions", "2", "--master", "local[2]"};
        Run run = cli(simulate);
        assertEquals(0, run.exit(), String.join("\n", run.lines()));
        assertEquals(Set.of("dt=2025-05-01", "dt=2025-05-02", "dt=2025-05-03", "users.parquet", "_simulation.json", "_SUCCESS"),
                visibleNames(sim));
        JsonNode report = new ObjectMapper().readTree(sim.resolve("_simulation.json").toFile());
        assertEquals(20, report.get("users").asLong());
        assertEquals(100, report.get("events").asLong());
        assertEquals("ood", report.get("profiles").asText());
        assertEquals("epsilon-strongest:0.3", report.get("policy").asText());
        assertEquals(bench.toString(), report.get("outcomes").asText());

        // The same output again: refused in one line, the first output untouched.
        long before = Files.getLastModifiedTime(sim.resolve("_simulation.json")).toMillis();
        Run again = cli(simulate);
        assertEquals(1, again.exit());
        assertEquals(1, again.errors().size(), String.join("\n", again.lines()));
        assertTrue(again.errors().get(0).contains("already exists"), again.errors().get(0));
        assertEquals(before, Files.getLastModifiedTime(sim.resolve("_simulation.json")).toMillis());
        assertEquals(Set.of("bench", "sim"), visibleNames(tmp), "no staging directory left behind");
    }

    @Test
    void missingOutcomesDirectoryIsAOneLineFailureAndWritesNothing() throws IOException {
        Path out = tmp.resolve("out");
        Run run = cli("simulate", "--outcomes", tmp.resolve("nope").toString(), "--output", out.toString(), "--users", "5",
                "--master", "local[2]");
        assertEquals(1, run.exit());
        assertEquals(1, run.errors().size(), String.join("\n", run.lines()));
        assertTrue(run.errors().get(0).startsWith("metarouter simulate: --outcomes "), run.errors().get(0));
        assertTrue(run.errors().get(0).contains("nope"));
        assertFalse(Files.exists(out));
        assertEquals(Set.of(), visibleNames(tmp));
    }

    @Test
    void badNumbersAndNamesAreUsageErrorsBeforeAnyWork() {
        String outcomes = tmp.toString();
        String out = tmp.resolve("out").toString();
        List<List<String>> cases = List.of(
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "0"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "-3"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "many"),
                List.of("simulate", "--outcomes", outcomes, "--output", out),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "5", "--profiles", "weird"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "5", "--start-date", "2025-13-01"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "5", "--policy", "greedy"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "5", "--query-split", "dev"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "5", "--contexts", "0", "--routes", "0"),
                List.of("simulate", "--outcomes", outcomes, "--output", out, "--users", "5", "--partitions", "0"),
                List.of("generate-benchmark", "--output", out, "--models", "1"),
                List.of("generate-benchmark", "--output", out, "--queries", "0"),
                List.of("generate-benchmark", "--output", out, "--test-fraction", "1.5"));
        for (List<String> args : cases) {
            Run run = cli(args.toArray(new String[0]));
            assertEquals(2, run.exit(), args + " -> " + run.lines());
            assertEquals(1, run.lines().size(), args + " -> " + run.lines());
            assertTrue(run.lines().get(0).startsWith("metarouter " + args.get(0) + ": "), run.lines().get(0));
            assertFalse(Files.exists(tmp.resolve("out")));
        }
        Run usersZero = cli("simulate", "--outcomes", outcomes, "--output", out, "--users", "0");
        assertEquals(List.of("metarouter simulate: --users must be positive, got 0"), usersZero.lines());
        assertNotEquals(0, usersZero.exit());
    }
}
