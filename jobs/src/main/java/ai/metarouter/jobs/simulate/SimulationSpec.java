package ai.metarouter.jobs.simulate;

import ai.metarouter.core.sim.ProfileDistribution;
import ai.metarouter.core.sim.UserSimulator;
import ai.metarouter.core.sim.UserSplit;
import java.io.Serializable;

/**
 * What one {@code simulate} run generates.
 *
 * @param users number of users; user i is {@code ProfileDistribution.userId(split, i)}
 * @param split whether profiles come from the ID or the OOD distribution
 * @param seed run seed
 * @param events per-user event generation
 * @param profiles the profile distribution
 * @param partitions Spark partitions users are spread over (output rows do not depend on it)
 */
public record SimulationSpec(long users, UserSplit split, long seed, UserSimulator.Config events,
                             ProfileDistribution.Config profiles, int partitions) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SimulationSpec {
        if (users < 1) throw new IllegalArgumentException("users must be >= 1, got " + users);
        if (split == null || events == null || profiles == null) throw new IllegalArgumentException("split, events and profiles are required");
        if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }

    public long totalEvents() {
        return users * (long) (events.preferences() + events.routes());
    }
}
