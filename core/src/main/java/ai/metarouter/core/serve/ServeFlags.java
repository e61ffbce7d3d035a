package ai.metarouter.core.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code metarouter serve}, parsed and validated at once: every unknown flag,
 * missing value or missing {@code --registry} is reported in one line. Values are kept as strings;
 * {@link ServeMain} applies them over the configuration.
 */
final class ServeFlags {
    /** Flag name -> help (value-taking flags; {@code conf} may repeat). */
    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("registry", "<uri>  (required) artifact registry; serves the version LATEST names and follows it");
        FLAGS.put("version", "<N|latest>  serve this version only (pinned), or latest (default: follow LATEST)");
        FLAGS.put("host", "<addr>  address to bind (default metarouter.serve.host)");
        FLAGS.put("port", "<port>  port to bind, 0 = any free port (default metarouter.serve.port)");
        FLAGS.put("log-dir", "<dir>  write decision and feedback logs here (JSON lines for `ingest`)");
        FLAGS.put("state-dir", "<dir>  persist user states here (survive restarts)");
        FLAGS.put("auth-token-file", "<file>  require `Authorization: Bearer <token>` (token read from the file; "
                + "or set METAROUTER_SERVE_TOKEN)");
        FLAGS.put("port-file", "<file>  write the bound port here once serving (for supervisors and tests)");
        FLAGS.put("threads", "<n>  request handler threads");
        FLAGS.put("users-in-memory", "<n>  adapted user states cached in memory");
        FLAGS.put("max-body-bytes", "<n>  largest request body accepted");
        FLAGS.put("poll-interval-ms", "<ms>  how often LATEST is read");
        FLAGS.put("conf", "<file>  repeatable: a HOCON file overlaid on conf/metarouter.conf (metarouter.serve.*)");
    }

    private final Map<String, String> values;
    private final List<String> confFiles;

    private ServeFlags(Map<String, String> values, List<String> confFiles) {
        this.values = values;
        this.confFiles = confFiles;
    }

    static ServeFlags parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> conf = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                problems.add("unexpected argument '" + arg + "'");
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!FLAGS.containsKey(name)) {
                problems.add("unknown flag --" + name);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    problems.add("--" + name + " needs a value");
                    continue;
                }
                value = args.get(++i);
            }
            if (name.equals("conf")) conf.add(value);
            else if (values.put(name, value) != null) problems.add("--" + name + " given twice");
        }
        if (!values.containsKey("registry") && problems.isEmpty()) problems.add("missing --registry <uri>");
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
        return new ServeFlags(values, conf);
    }

    String get(String name) {
        return values.get(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    int getInt(String name) {
        String v = values.get(name);
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    List<String> confFiles() {
        return confFiles;
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: metarouter serve --registry <uri> [flags]\n");
        FLAGS.forEach((k, v) -> b.append("  --").append(k).append(' ').append(v).append('\n'));
        return b.toString();
    }
}
