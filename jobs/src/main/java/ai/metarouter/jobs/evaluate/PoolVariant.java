package ai.metarouter.jobs.evaluate;

import java.io.Serializable;

/**
 * One serving configuration the users are scored under: which router (index into the job's model
 * list: 0 is the artifact under evaluation, others are routers retrained without a model or with a
 * model onboarded) and which candidate pool.
 *
 * @param name unique name, e.g. {@code main}, {@code drop:claude-v1}, {@code size:3#1}
 * @param group {@code main}, {@code drop}, {@code drop_retrained}, {@code onboard} or {@code size}
 * @param model index of the router in the job's model list
 * @param pool fixed pool over the panel's arms (null for a random pool)
 * @param randomSize for {@code size} variants: each user gets a seeded random pool of this many arms
 * @param replicate which of the random pools of that size (seeds differ)
 * @param subject the model dropped or onboarded (null otherwise)
 */
public record PoolVariant(String name, String group, int model, boolean[] pool, int randomSize, int replicate, String subject)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String MAIN = "main";

    public boolean isMain() {
        return MAIN.equals(group);
    }
}
