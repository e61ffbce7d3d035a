package ai.metarouter.core.data;

import java.util.Locale;

/** The kinds of interaction-log event; {@link #wireName()} is the {@code event_type} column value. */
public enum EventType {
    /** A routing decision: candidates, chosen model, its propensity, observed outcome, reward when known. */
    ROUTE,
    /** A pairwise comparison of two outcomes for one query. */
    PREFERENCE,
    /** A reward the user gave one outcome, arriving after the decision. */
    REWARD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventType fromWire(String s) {
        if (s != null) {
            for (EventType t : values()) if (t.wireName().equals(s)) return t;
        }
        throw new IllegalArgumentException("unknown event_type: " + s + " (expected route, preference or reward)");
    }
}
