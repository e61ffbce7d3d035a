package ai.metarouter.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed (not learned) settings of adaptation and the policy. They are part of the model:
 * serving must adapt exactly as training did, so they travel in the artifact's manifest.
 *
 * @param innerSteps K, gradient steps of the inner loop
 * @param rewardWeight w_r, weight of the squared-error reward terms in the context loss
 * @param tau softmax temperature of the training policy {@code pi = softmax(score / tau)}, or with
 *        {@code normalizePolicyScores} of {@code pi = softmax(score / (tau |theta'|))}
 * @param normalizeInnerStep divide the inner step by the context set's curvature bound
 *        {@code L = 1 + sum_pairs |v|^2 / 4 + w_r sum_rewards |psi|^2} (see {@code InnerLoop})
 * @param normalizePolicyScores divide scores by |theta'| in the training policy (an addition to the
 *        spec). Why: theta' is in comparison-logit units, so the plain softmax gets sharper as theta'
 *        grows, and the IPS value of a too-soft policy can be raised by inflating theta' alone;
 *        greedy routing, which is what users get, depends on the direction of theta' only.
 *        Normalised, tau is a temperature in units of |theta'|.
 */
public record ModelConfig(int innerSteps, double rewardWeight, double tau, boolean normalizeInnerStep, boolean normalizePolicyScores) {
    public ModelConfig {
        if (innerSteps < 0 || innerSteps > 100) throw new IllegalArgumentException("innerSteps must be in [0, 100], got " + innerSteps);
        if (!(rewardWeight >= 0) || Double.isInfinite(rewardWeight)) throw new IllegalArgumentException("rewardWeight must be >= 0");
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("tau must be > 0");
    }

    public static ModelConfig defaults() {
        return new ModelConfig(5, 1.0, 0.05, true, true);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inner_steps", innerSteps);
        m.put("reward_weight", rewardWeight);
        m.put("tau", tau);
        m.put("normalize_inner_step", normalizeInnerStep);
        m.put("normalize_policy_scores", normalizePolicyScores);
        return m;
    }

    public static ModelConfig fromMap(Map<String, ?> m) {
        return new ModelConfig(num(m, "inner_steps").intValue(), num(m, "reward_weight").doubleValue(),
                num(m, "tau").doubleValue(), bool(m, "normalize_inner_step"), bool(m, "normalize_policy_scores"));
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
