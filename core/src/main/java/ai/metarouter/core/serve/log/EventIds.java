package ai.metarouter.core.serve.log;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique event ids without coordination: {@code <instance>-<seq>}, where the instance is the
 * process start time (base 36 milliseconds) and its pid, and seq counts up. Two processes would
 * need the same pid in the same millisecond to collide. The id also seeds the decision's
 * exploration draw ({@link ai.metarouter.core.featurize.StableHash#decisionSeed}), so a logged
 * decision can be replayed exactly.
 */
public final class EventIds {
    private final String instance;
    private final AtomicLong next = new AtomicLong();

    public EventIds(String instance) {
        if (!instance.matches("[A-Za-z0-9]+(-[A-Za-z0-9]+)*")) throw new IllegalArgumentException("bad instance id: " + instance);
        this.instance = instance;
    }

    /** The instance id of this process: start time and pid. */
    public static EventIds forThisProcess(long startMillis) {
        return new EventIds(Long.toString(startMillis, 36) + "-" + ProcessHandle.current().pid());
    }

    public String instance() {
        return instance;
    }

    public String next() {
        return String.format(Locale.ROOT, "%s-%d", instance, next.getAndIncrement());
    }
}
