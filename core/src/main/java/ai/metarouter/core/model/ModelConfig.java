package ai.metarouter.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed (not learned) settings of adaptation and the policy. They are part of the model:
 * serving must adapt exactly as training did, so they travel in the artifact's manifest.
 *
 * @param innerSteps K, gradient steps of the inner loop
 * @param rewardWeight w_r, weight of the squared-error reward terms in the context loss
 * @param tau softmax temperature of the training policy {@code pi = softmax(score / tau)}
 * @param normalizeInnerStep divide the inner step by the context set's curvature bound
 *        {@code L = 1 + sum_pairs |v|^2 / 4 + w_r sum_rewards |psi|^2} (see {@code InnerLoop})
 */
public record ModelConfig(int innerSteps, double rewardWeight, double tau, boolean normalizeInnerStep) {
    public ModelConfig {
        if (innerSteps < 0 || innerSteps > 100) throw new IllegalArgumentException("innerSteps must be in [0, 100], got " + innerSteps);
        if (!(rewardWeight >= 0) || Double.isInfinite(rewardWeight)) throw new IllegalArgumentException("rewardWeight must be >= 0");
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("tau must be > 0");
    }

    public static ModelConfig defaults() {
        return new ModelConfig(5, 1.0, 0.5, true);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inner_steps", innerSteps);
        m.put("reward_weight", rewardWeight);
        m.put("tau", tau);
        m.put("normalize_inner_step", normalizeInnerStep);
        return m;
    }

    public static ModelConfig fromMap(Map<String, ?> m) {
        return new ModelConfig(num(m, "inner_steps").intValue(), num(m, "reward_weight").doubleValue(),
                num(m, "tau").doubleValue(), bool(m, "normalize_inner_step"));
    }

    private static Number num(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("model config: '" + key + "' must be a number, got " + m.get(key));
        return n;
    }

    private static boolean bool(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof Boolean b)) throw new IllegalArgumentException("model config: '" + key + "' must be a boolean, got " + m.get(key));
        return b;
    }
}
