package ai.metarouter.jobs.evaluate;

import java.util.List;
import java.util.Locale;

/**
 * The policies compared side by side (method.md section 5), with their {@code metrics.json} names.
 * The first ten are the contract's; the last four are MetaRouter's ablations and Thompson sampling,
 * reported under the same structure with their own names.
 */
public enum Policy {
    /** Uniform over the pool; reported as its expectation (mean over arms), not one noisy draw. */
    RANDOM,
    /** The pool's arm with the lowest catalog mean cost. */
    CHEAPEST,
    /** The pool's arm with the highest mean quality on the train split (no test-set hindsight). */
    STRONGEST,
    /** Hindsight: the one arm with the highest mean true utility for this user over the scored queries. */
    BEST_SINGLE,
    /** One router for the population's average utility (outcome predictor, no personalisation). */
    POPULATION,
    /** Per-user MLE of lambda in U = q - lambda cs on the k contexts, plugged into the outcome predictor. */
    PER_USER_FIT,
    /** LinUCB on psi(q^, c^) features, from scratch per user, k rounds of bandit feedback. */
    LINUCB,
    /** The outcome predictor with the user's true utility (expected under the predictor). */
    KNOWN_PREFERENCE,
    /** Per query, the best arm in hindsight with the true outcomes. */
    ORACLE,
    /** The artifact adapted on the k contexts, greedy. */
    METAROUTER,
    /** Thompson sampling, same model and features as LinUCB. */
    THOMPSON,
    /** Ablation: the encoder is bypassed (theta_init = the population prior), the inner loop adapts. */
    METAROUTER_NO_ENCODER,
    /** Ablation: the encoder's theta_init is used as is (no inner-loop steps). */
    METAROUTER_NO_INNER_LOOP,
    /** Ablation: same architecture with untrained (seeded initial) meta-parameters, adapted per user. */
    METAROUTER_NO_META_TRAINING,
    /**
     * Reference point, not a baseline: the Bayes posterior mean of lambda under the TRUE ID prior
     * (log-uniform lambda range, log-normal beta) from the k comparisons, plugged into the outcome
     * predictor. For ID users no router that only sees these k comparisons does better on average,
     * so it is the information ceiling of PGC(k) at this k (with this predictor).
     */
    BAYES_ID_PRIOR,
    /**
     * MetaRouter with ACTIVE elicitation: the same artifact, but the k comparisons are the ones its
     * {@code ComparisonPlanner} asks for (one at a time, each chosen on the posterior after the
     * previous answers) among the user's kMax context queries and every pair of pool models,
     * instead of random pairs. The user answers as in the random protocol (Bradley-Terry on the
     * true outcomes and utility).
     */
    METAROUTER_ACTIVE,
    /** per_user_fit on MetaRouter's actively chosen comparisons (same contexts as metarouter_active). */
    PER_USER_FIT_ACTIVE,
    /** bayes_id_prior on MetaRouter's actively chosen comparisons: the ceiling for those contexts (ID users). */
    BAYES_ID_PRIOR_ACTIVE;

    /** Whether the policy sees the actively elicited contexts instead of the random ones. */
    public boolean active() {
        return this == METAROUTER_ACTIVE || this == PER_USER_FIT_ACTIVE || this == BAYES_ID_PRIOR_ACTIVE;
    }

    /** The JSON name, e.g. {@code known_preference}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the policy's figure depends on k. */
    public boolean dependsOnK() {
        return switch (this) {
            case PER_USER_FIT, LINUCB, THOMPSON, METAROUTER, METAROUTER_NO_ENCODER, METAROUTER_NO_INNER_LOOP,
                 METAROUTER_NO_META_TRAINING, BAYES_ID_PRIOR, METAROUTER_ACTIVE, PER_USER_FIT_ACTIVE, BAYES_ID_PRIOR_ACTIVE -> true;
            default -> false;
        };
    }

    /** The ten policy names {@code metrics.json} must carry (contract.md). */
    public static final List<Policy> CONTRACT = List.of(RANDOM, CHEAPEST, STRONGEST, BEST_SINGLE, POPULATION, PER_USER_FIT,
            LINUCB, KNOWN_PREFERENCE, ORACLE, METAROUTER);

    /** Policies of the pool sweeps (the ablations only on the main pool, to keep the job affordable). */
    public static final List<Policy> SWEEP = List.of(RANDOM, CHEAPEST, STRONGEST, BEST_SINGLE, POPULATION, PER_USER_FIT,
            LINUCB, KNOWN_PREFERENCE, ORACLE, METAROUTER);
}
