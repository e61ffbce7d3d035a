package ai.metarouter.jobs.evaluate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed order of a user's figures: one slot per (pool variant, policy, k). The main variant
 * has every {@link Policy} at every k; sweep variants have {@link Policy#SWEEP} at the sweep k.
 * Per-user results are flat arrays in this order, so the driver collects a few KB per user.
 */
public final class ResultLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One slot. */
    public record Key(int variant, Policy policy, int k) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final List<Key> keys;
    private final Map<Key, Integer> index;

    public ResultLayout(List<PoolVariant> variants, EvalSettings settings) {
        List<Key> k = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            if (variants.get(v).isMain()) {
                for (Policy p : Policy.values()) for (int kk : settings.ks()) k.add(new Key(v, p, kk));
            } else {
                for (Policy p : Policy.SWEEP) k.add(new Key(v, p, settings.sweepK()));
            }
        }
        this.keys = List.copyOf(k);
        this.index = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) index.put(keys.get(i), i);
    }

    public int size() {
        return keys.size();
    }

    public List<Key> keys() {
        return keys;
    }

    /** Slot of (variant, policy, k), or -1 when the layout has none. */
    public int indexOf(int variant, Policy policy, int k) {
        Integer i = index.get(new Key(variant, policy, k));
        return i == null ? -1 : i;
    }
}
