package ai.metarouter.jobs.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.metarouter.jobs.cli.MetaRouterCli;
import ai.metarouter.jobs.io.OutcomeDatasetLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metarouter import-routerbench} end to end through {@link MetaRouterCli#run}, as the
 * launcher runs it: flag parsing, configuration, its own Spark session, exit codes and the
 * one-line reason on stderr.
 */
class ImportRouterBenchCommandTest {
    @TempDir
    Path tmp;

    private record Result(int exitCode, List<String> stderr) {
        String lastLine() {
            return stderr.get(stderr.size() - 1);
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = MetaRouterCli.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Result(code, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void importsRefusesToOverwriteThenOverwrites() {
        String out = tmp.resolve("out").toString();
        String[] args = {"import-routerbench", "--input", Fixtures.mixed(), "--output", out, "--master", "local[2]"};
        Result first = run(args);
        assertEquals(0, first.exitCode(), String.join("\n", first.stderr()));
        assertTrue(first.lastLine().contains("rows in 11 = accepted 7 + quarantined 4"), first.lastLine());
        for (String name : List.of(OutcomeDatasetLayout.OUTCOMES_DIR, OutcomeDatasetLayout.MODELS_FILE,
                OutcomeDatasetLayout.QUARANTINE_DIR, OutcomeDatasetLayout.IMPORT_REPORT_FILE)) {
            assertTrue(Files.exists(Path.of(out, name)), name);
        }

        Result again = run(args);
        assertEquals(1, again.exitCode());
        assertTrue(again.lastLine().startsWith("metarouter import-routerbench: --output ")
                && again.lastLine().endsWith("already exists and is not empty (pass --overwrite to replace it)"), again.lastLine());

        String[] overwrite = {"import-routerbench", "--input", Fixtures.mixed(), "--output", out, "--overwrite",
            "--on-invalid", "quarantine", "--master", "local[2]"};
        assertEquals(0, run(overwrite).exitCode());
    }

    @Test
    void badInputExitsNonZeroWithOneLineAndNoOutput() {
        Path out = tmp.resolve("out");
        Result r = run("import-routerbench", "--input", Fixtures.bad("negative_cost_train.csv"), "--output", out.toString(),
                "--master", "local[2]");
        assertEquals(1, r.exitCode());
        assertEquals("metarouter import-routerbench: negative_cost_train.csv row 2 (line 3): negative_cost in column "
                + "'beta-chat|total_cost': '-0.001' (pass --on-invalid quarantine to quarantine such rows instead)", r.lastLine());
        assertFalse(Files.exists(out));
    }

    @Test
    void wrongCommandLinesAreUsageErrors() {
        Result missing = run("import-routerbench", "--input", Fixtures.mixed());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.lastLine().contains("missing --output"), missing.lastLine());
        Result policy = run("import-routerbench", "--input", Fixtures.mixed(), "--output", tmp.resolve("o").toString(),
                "--on-invalid", "ignore");
        assertEquals(2, policy.exitCode());
        assertTrue(policy.lastLine().contains("expected fail or quarantine"), policy.lastLine());
    }
}
