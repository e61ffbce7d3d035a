package ai.metarouter.jobs.cli;

/**
 * A declared flag: {@code --name value}. Boolean switches take no value.
 *
 * @param name flag name without the leading dashes
 * @param valueName placeholder shown in help, e.g. {@code <dir>}; null for a switch
 * @param required whether the command fails without it
 * @param help one line of help
 */
public record FlagSpec(String name, String valueName, boolean required, String help) {
    public static FlagSpec required(String name, String valueName, String help) {
        return new FlagSpec(name, valueName, true, help);
    }

    public static FlagSpec optional(String name, String valueName, String help) {
        return new FlagSpec(name, valueName, false, help);
    }

    public static FlagSpec flag(String name, String help) {
        return new FlagSpec(name, null, false, help);
    }

    public boolean isSwitch() {
        return valueName == null;
    }
}
