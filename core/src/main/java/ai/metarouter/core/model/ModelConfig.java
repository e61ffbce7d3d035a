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
 * @param innerSolver how the inner loop adapts: K Meta-SGD steps, or the exact MAP of the context
 *        loss by Newton's method (then {@code innerSteps} caps the Newton iterations; 0 = no
 *        adaptation either way). Artifacts written before the solver existed carry no such key and
 *        mean {@link InnerSolver#GRADIENT_STEPS}.
 */
public record ModelConfig(int innerSteps, double rewardWeight, double tau, boolean normalizeInnerStep, boolean normalizePolicyScores,
                          InnerSolver innerSolver) {
    /** How the inner loop turns the context loss into the adapted theta'. */
    public enum InnerSolver {
        /** theta_K after K Meta-SGD steps from theta_init (meta-learned per-coordinate step sizes). */
        GRADIENT_STEPS("gradient_steps"),
        /**
         * theta* = argmin L_c, the posterior mode under the meta-learned Gaussian prior
         * N(theta_init, diag(rho)^-1): Newton's method with backtracking (L_c is strictly convex), the
         * meta-gradient by implicit differentiation of grad L_c(theta*) = 0.
         */
        NEWTON_MAP("newton_map");

        private final String key;

        InnerSolver(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static InnerSolver parse(String s) {
            for (InnerSolver v : values()) if (v.key.equals(s) || v.key.replace('_', '-').equals(s)) return v;
            throw new IllegalArgumentException("unknown inner solver '" + s + "' (gradient-steps | newton-map)");
        }
    }

    public ModelConfig {
        if (innerSteps < 0 || innerSteps > 100) throw new IllegalArgumentException("innerSteps must be in [0, 100], got " + innerSteps);
        if (!(rewardWeight >= 0) || Double.isInfinite(rewardWeight)) throw new IllegalArgumentException("rewardWeight must be >= 0");
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("tau must be > 0");
        if (innerSolver == null) throw new IllegalArgumentException("innerSolver must be set");
    }

    /** The Meta-SGD inner loop (the solver of every artifact before {@code inner_solver} existed). */
    public ModelConfig(int innerSteps, double rewardWeight, double tau, boolean normalizeInnerStep, boolean normalizePolicyScores) {
        this(innerSteps, rewardWeight, tau, normalizeInnerStep, normalizePolicyScores, InnerSolver.GRADIENT_STEPS);
    }

    /**
     * The settings new training uses: the Newton MAP inner loop (the exact posterior mode of the
     * user's feedback under the meta-learned prior, at most 20 Newton iterations; it converges in
     * 3 to 8 on RouterBench users). On RouterBench it is what lets the prior and the feedback
     * combine as Bayes would (README, "The model in one paragraph").
     */
    public static ModelConfig defaults() {
        return new ModelConfig(20, 1.0, 0.05, true, true, InnerSolver.NEWTON_MAP);
    }

    /** The same settings with another inner steps count (ablations: 0 = no inner loop). */
    public ModelConfig withInnerSteps(int steps) {
        return new ModelConfig(steps, rewardWeight, tau, normalizeInnerStep, normalizePolicyScores, innerSolver);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inner_steps", innerSteps);
        m.put("reward_weight", rewardWeight);
        m.put("tau", tau);
        m.put("normalize_inner_step", normalizeInnerStep);
        m.put("normalize_policy_scores", normalizePolicyScores);
        // Written only when it is not the original solver, so artifacts of the original kind keep their exact bytes.
        if (innerSolver != InnerSolver.GRADIENT_STEPS) m.put("inner_solver", innerSolver.key());
        return m;
    }

    public static ModelConfig fromMap(Map<String, ?> m) {
        return new ModelConfig(num(m, "inner_steps").intValue(), num(m, "reward_weight").doubleValue(),
                num(m, "tau").doubleValue(), bool(m, "normalize_inner_step"), bool(m, "normalize_policy_scores"),
                solver(m.get("inner_solver")));
    }

    private static InnerSolver solver(Object value) {
        if (value == null) return InnerSolver.GRADIENT_STEPS;
        if (!(value instanceof String s)) throw new IllegalArgumentException("model config: 'inner_solver' must be a string, got " + value);
        return InnerSolver.parse(s);
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
