package ai.metarouter.core.sim;

import java.util.Locale;

/**
 * Whether a simulated user's profile comes from the training distribution ({@code id}) or from the
 * out-of-distribution families that training never sees ({@code ood}). {@link #wireName()} is the
 * {@code split} column of {@code users.parquet}.
 */
public enum UserSplit {
    ID, OOD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserSplit fromWire(String s) {
        if (s != null) {
            for (UserSplit u : values()) if (u.wireName().equals(s)) return u;
        }
        throw new IllegalArgumentException("unknown profile split: " + s + " (expected id or ood)");
    }
}
