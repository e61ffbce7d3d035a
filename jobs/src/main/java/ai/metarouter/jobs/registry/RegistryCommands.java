package ai.metarouter.jobs.registry;

import ai.metarouter.core.artifact.ArtifactException;
import ai.metarouter.core.artifact.ArtifactLayout;
import ai.metarouter.core.artifact.ArtifactRegistry;
import ai.metarouter.jobs.cli.CliException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * What the registry commands ({@code promote}, {@code export}, {@code versions}) share: opening a
 * registry named by a flag, turning registry and I/O failures into one-line CLI errors, parsing
 * version numbers, and describing the LATEST pointer.
 */
final class RegistryCommands {
    private RegistryCommands() {}

    /** A body that works on open registries; registry and I/O problems are translated by {@link #run}. */
    interface Body {
        void run() throws IOException;
    }

    /** Runs {@code body}, turning {@link ArtifactException}s and I/O failures into one-line CLI failures. */
    static void run(String what, Body body) {
        try {
            body.run();
        } catch (ArtifactException e) {
            throw CliException.failure(e.getMessage());
        } catch (IOException e) {
            throw CliException.failure("cannot access " + what + ": " + describe(e));
        }
    }

    /**
     * Opens the registry given by {@code --<flag>}: a bad URI is a usage error naming the flag, a
     * scheme no store supports a failure naming the scheme.
     */
    static ArtifactRegistry open(String flag, String location) throws IOException {
        try {
            return ArtifactRegistry.open(location);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--" + flag + ": " + e.getMessage());
        }
    }

    /** A version number given as {@code 3} or {@code v3}; a usage error otherwise. */
    static int parseVersionNumber(String flag, String text) {
        OptionalInt n = ArtifactLayout.parseVersionDir(text.startsWith("v") ? text : "v" + text);
        if (n.isEmpty()) {
            throw CliException.usage("--" + flag + " must be a version number like 3, got '" + text + "'");
        }
        return n.getAsInt();
    }

    /** A version number or {@code latest}, checked for form (existence is the registry's business). */
    static String parseVersionRef(String flag, String text) {
        if (text.strip().toLowerCase(Locale.ROOT).equals(ArtifactLayout.LATEST_REF)) return ArtifactLayout.LATEST_REF;
        return Integer.toString(parseVersionNumber(flag, text.strip()));
    }

    /** The current pointer for progress lines; an unreadable LATEST is exactly what promote repairs. */
    static String describePointer(ArtifactRegistry registry) throws IOException {
        try {
            OptionalInt latest = registry.latestPointer();
            return latest.isPresent() ? Integer.toString(latest.getAsInt()) : "(none)";
        } catch (ArtifactException e) {
            return "(unreadable)";
        }
    }

    /** Where results go: the stream a test passed, else {@code System.out} as it is when the command runs. */
    static PrintStream out(PrintStream given) {
        return given != null ? given : System.out;
    }

    static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
