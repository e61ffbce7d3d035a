package ai.metarouter.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code scripts/metarouter}: parse and validate all flags at once, read the
 * configuration once, dispatch to the command, and turn any failure into a one-line reason and a
 * non-zero exit code.
 */
public final class MetaRouterCli {
    private MetaRouterCli() {}

    /** Every command, in help order. */
    static List<Command> commands() {
        List<Command> all = new ArrayList<>();
        // Commands register here as they land.
        all.add(new ai.metarouter.jobs.importers.ImportRouterBenchCommand());
        all.add(new ai.metarouter.jobs.generate.GenerateBenchmarkCommand());
        all.add(new ai.metarouter.jobs.simulate.SimulateCommand());
        all.add(new ai.metarouter.jobs.ingest.IngestCommand());
        all.add(new ai.metarouter.jobs.train.TrainCommand());
        all.add(new ai.metarouter.jobs.evaluate.EvaluateCommand());
        all.add(new ai.metarouter.jobs.gate.GateCommand());
        all.add(new ai.metarouter.jobs.registry.PromoteCommand());
        all.add(new ai.metarouter.jobs.registry.ExportCommand());
        all.add(new ai.metarouter.jobs.registry.VersionsCommand());
        return all;
    }

    public static void main(String[] args) {
        int code = run(args, System.err);
        System.exit(code);
    }

    /** Runs one command line; returns the process exit code. Used by main and by CLI tests. */
    public static int run(String[] args, PrintStream err) {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : commands()) byName.put(c.name(), c);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printHelp(byName, err);
            return args.length == 0 ? CliException.USAGE : 0;
        }
        Command command = byName.get(args[0]);
        if (command == null) {
            err.println("metarouter: unknown command '" + args[0] + "' (try: metarouter --help)");
            return CliException.USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help")) {
            printCommandHelp(command, err);
            return 0;
        }
        try {
            Flags flags = Flags.parse(command.name(), command.flags(), rest);
            Config config = loadConfig(flags);
            try (JobContext context = new JobContext(flags, config, err)) {
                command.run(flags, context);
            }
            return 0;
        } catch (CliException e) {
            err.println("metarouter " + command.name() + ": " + e.getMessage());
            return e.exitCode();
        } catch (Exception | Error e) {
            // Unexpected failures still end in one line; the cause chain goes to stderr above it.
            e.printStackTrace(err);
            err.println("metarouter " + command.name() + ": failed: " + oneLine(e));
            return CliException.FAILURE;
        }
    }

    /**
     * Configuration in layers, later wins: {@code metarouter.conf} (defaults), the {@code local}
     * or {@code cluster} overlay (cluster when {@code --master} is given or spark-submit set one),
     * then each {@code --conf <file>}.
     */
    static Config loadConfig(Flags flags) {
        boolean cluster = flags.master().isPresent() && !flags.master().get().startsWith("local")
                || System.getProperty("spark.master", "local").startsWith("spark:")
                || System.getProperty("spark.master", "local").startsWith("yarn")
                || System.getProperty("spark.master", "local").startsWith("k8s");
        Config config = ConfigFactory.empty();
        for (int i = flags.configFiles().size() - 1; i >= 0; i--) {
            File file = new File(flags.configFiles().get(i));
            if (!file.isFile()) {
                throw CliException.usage(flags.command() + ": --conf file not found: " + file);
            }
            config = config.withFallback(ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)));
        }
        Config overlay = ConfigFactory.parseResources(cluster ? "metarouter-conf/cluster.conf" : "metarouter-conf/local.conf");
        Config defaults = ConfigFactory.parseResources("metarouter-conf/metarouter.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
        return config.withFallback(overlay).withFallback(defaults).resolve();
    }

    private static void printHelp(Map<String, Command> byName, PrintStream err) {
        err.println("usage: metarouter <command> [flags]   (metarouter <command> --help for its flags)");
        err.println();
        for (Command c : byName.values()) {
            err.printf("  %-20s %s%n", c.name(), c.summary());
        }
        err.println();
        err.println("global flags:");
        for (FlagSpec f : Flags.GLOBAL) err.printf("  --%-10s %-12s %s%n", f.name(), f.valueName(), f.help());
    }

    private static void printCommandHelp(Command c, PrintStream err) {
        err.println("usage: metarouter " + c.name() + " [flags]");
        err.println("  " + c.summary());
        List<FlagSpec> all = new ArrayList<>(c.flags());
        all.addAll(Flags.GLOBAL);
        for (FlagSpec f : all) {
            err.printf("  --%-14s %-12s %s%s%n", f.name(), f.valueName() == null ? "" : f.valueName(),
                    f.required() ? "(required) " : "", f.help());
        }
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.replace('\n', ' ').replace('\r', ' ');
    }
}
