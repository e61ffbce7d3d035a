package ai.metarouter.jobs.evaluate;

import java.io.Serializable;

/**
 * One held-out user's figures in {@link ResultLayout} order: mean realised utility, quality and
 * cost per scored query.
 */
public record UserResult(String userId, String split, String family, double[] utility, double[] quality, double[] cost)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
