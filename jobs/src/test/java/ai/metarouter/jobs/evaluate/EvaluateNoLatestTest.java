package ai.metarouter.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.core.artifact.TestArtifacts;
import ai.metarouter.jobs.cli.MetaRouterCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --version latest --no-latest-marker <file>} on a registry without LATEST (the
 * nightly DAG's first night): the marker is written and the command succeeds without evaluating
 * (nothing starts Spark, no report); without the flag the missing LATEST is an error.
 */
class EvaluateNoLatestTest {
    @TempDir
    Path tmp;

    private record Run(int exitCode, String stderr) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = MetaRouterCli.run(args, e);
        }
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    private Run evaluate(Path registry, String... more) throws IOException {
        Path outcomes = Files.createDirectories(tmp.resolve("outcomes"));
        String[] base = {"evaluate", "--registry", registry.toString(), "--outcomes", outcomes.toString(), "--report",
                tmp.resolve("report").toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return cli(args);
    }

    @Test
    void aRegistryWithoutLatestGetsTheMarkerInsteadOfAnEvaluation() throws IOException {
        Path registry = tmp.resolve("registry");
        try (ArtifactRegistry r = ArtifactRegistry.open(registry.toString())) {
            // A published, unpromoted version: the registry exists, LATEST does not.
            r.publish(TestArtifacts.draft("v1"), TestArtifacts.bundle(1), TestArtifacts.trainingLog("v1"));
        }
        Path marker = tmp.resolve("run").resolve("no-latest.json");

        Run failing = evaluate(registry);
        assertEquals(1, failing.exitCode(), failing.stderr());
        assertTrue(failing.stderr().contains("--registry " + registry), failing.stderr());
        assertFalse(Files.exists(marker));

        Run skipped = evaluate(registry, "--no-latest-marker", marker.toString());
        assertEquals(0, skipped.exitCode(), skipped.stderr());
        assertTrue(skipped.stderr().contains("has no LATEST: nothing to evaluate"), skipped.stderr());
        JsonNode m = new ObjectMapper().readTree(marker.toFile());
        assertTrue(m.has("latest") && m.get("latest").isNull(), m.toString());
        assertEquals(registry.toString(), m.get("registry").asText());
        assertFalse(Files.exists(tmp.resolve("report")), "nothing was evaluated");

        Run pinned = evaluate(registry, "--version", "1", "--no-latest-marker", marker.toString());
        assertEquals(2, pinned.exitCode(), "the marker is about LATEST only");
        assertTrue(pinned.stderr().contains("--no-latest-marker applies only to --version latest"), pinned.stderr());
    }
}
