package ai.metarouter.jobs.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed and validated command-line flags of one command. Parsing collects every problem (unknown
 * flags, missing values, missing required flags, malformed numbers) and reports them together.
 */
public final class Flags {
    /** Flags every command accepts. */
    public static final List<FlagSpec> GLOBAL = List.of(
            FlagSpec.optional("master", "<url>", "Spark master; default: embedded local[*]"),
            FlagSpec.optional("conf", "<k=v|file>",
                    "repeatable: a Spark property k=v, or a HOCON file overlaid on conf/metarouter.conf"));

    private final String command;
    private final Map<String, String> values;
    private final List<String> sparkConf;
    private final List<String> configFiles;

    private Flags(String command, Map<String, String> values, List<String> sparkConf, List<String> configFiles) {
        this.command = command;
        this.values = Collections.unmodifiableMap(values);
        this.sparkConf = List.copyOf(sparkConf);
        this.configFiles = List.copyOf(configFiles);
    }

    /** Parses {@code args} (everything after the command word) against {@code specs}. */
    public static Flags parse(String command, List<FlagSpec> specs, List<String> args) {
        Map<String, FlagSpec> known = new LinkedHashMap<>();
        for (FlagSpec spec : GLOBAL) known.put(spec.name(), spec);
        for (FlagSpec spec : specs) known.put(spec.name(), spec);

        List<String> problems = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        List<String> sparkConf = new ArrayList<>();
        List<String> configFiles = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                problems.add("unexpected argument '" + arg + "'");
                continue;
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            FlagSpec spec = known.get(name);
            if (spec == null) {
                problems.add("unknown flag --" + name);
                continue;
            }
            String value;
            if (spec.isSwitch()) {
                value = inline == null ? "true" : inline;
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                problems.add("--" + name + " needs a value " + spec.valueName());
                continue;
            }
            if (name.equals("conf")) {
                if (value.contains("=")) sparkConf.add(value);
                else configFiles.add(value);
            } else if (values.containsKey(name)) {
                problems.add("--" + name + " given twice");
            } else {
                values.put(name, value);
            }
        }
        for (FlagSpec spec : specs) {
            if (spec.required() && !values.containsKey(spec.name())) {
                problems.add("missing --" + spec.name() + " " + spec.valueName());
            }
        }
        if (!problems.isEmpty()) {
            throw CliException.usage(command + ": " + String.join("; ", problems));
        }
        return new Flags(command, values, sparkConf, configFiles);
    }

    public String command() {
        return command;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name) {
        String v = values.get(name);
        if (v == null) throw CliException.usage(command + ": missing --" + name);
        return v;
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String getOrDefault(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public boolean isSet(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }

    public long getLong(String name, long fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw CliException.usage(command + ": --" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public int getInt(String name, int fallback) {
        long v = getLong(name, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw CliException.usage(command + ": --" + name + " is out of range: " + v);
        }
        return (int) v;
    }

    public int getPositiveInt(String name, int fallback) {
        int v = getInt(name, fallback);
        if (v <= 0) throw CliException.usage(command + ": --" + name + " must be positive, got " + v);
        return v;
    }

    public double getDouble(String name, double fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw CliException.usage(command + ": --" + name + " must be a finite number, got '" + v + "'");
        }
    }

    public Optional<String> master() {
        return optional("master");
    }

    /** Spark properties given as {@code --conf k=v}. */
    public List<String> sparkConf() {
        return sparkConf;
    }

    /** HOCON overlay files given as {@code --conf <file>}, in command-line order. */
    public List<String> configFiles() {
        return configFiles;
    }
}
