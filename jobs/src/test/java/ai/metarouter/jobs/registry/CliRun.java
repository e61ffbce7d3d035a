package ai.metarouter.jobs.registry;

import ai.metarouter.jobs.cli.MetaRouterCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One {@code metarouter} command line run in this JVM through {@link MetaRouterCli#run}: exit code, stdout, stderr. */
record CliRun(int exitCode, String stdout, String stderr) {
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            code = MetaRouterCli.run(args, e);
        } finally {
            System.setOut(originalOut);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"), err.toString(StandardCharsets.UTF_8));
    }

    String lastErrLine() {
        List<String> lines = stderr.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Whether stderr has no stack trace: failures are one line. */
    boolean noStackTrace() {
        return stderr.lines().noneMatch(l -> l.startsWith("\tat "));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
}
