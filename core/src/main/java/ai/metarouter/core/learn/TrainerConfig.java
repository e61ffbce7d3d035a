package ai.metarouter.core.learn;

import ai.metarouter.core.featurize.FeatureSpec;
import ai.metarouter.core.model.ModelConfig;
import ai.metarouter.core.model.UtilityBasis;

/**
 * Everything the reference trainer (and the Spark trainer, which must agree with it) needs.
 *
 * @param featureSpec the featuriser
 * @param basis the utility basis
 * @param outcome the outcome predictor's fit
 * @param hidden H, encoder width
 * @param latent Z, dimension of z
 * @param betaInit scale of the initial population prior theta0 = betaInit (1, -0.5, 0, ...)
 * @param model inner-loop and policy settings (become part of the model)
 * @param objective per-user meta-objective settings
 * @param adam the outer optimiser
 * @param iterations outer iterations
 * @param usersPerIteration users sampled per iteration (exact-size sampling, {@link UserSampler#sample});
 *        used when {@code userSampleRate} is 0
 * @param userSampleRate if > 0, Bernoulli sampling instead: a user takes part in iteration i when
 *        {@link UserSampler#keep}(seed, i, id, rate); what a Spark job without a driver-side user
 *        list does, so the reference trainer can reproduce it
 * @param seed seed of initialisation, sampling, context sizes and noise
 */
public record TrainerConfig(FeatureSpec featureSpec, UtilityBasis basis, OutcomeTrainerConfig outcome, int hidden, int latent,
                            double betaInit, ModelConfig model, ObjectiveConfig objective, AdamConfig adam, int iterations,
                            int usersPerIteration, double userSampleRate, long seed) {
    public TrainerConfig {
        if (hidden < 1 || latent < 1) throw new IllegalArgumentException("hidden and latent must be >= 1");
        if (iterations < 0 || usersPerIteration < 1) throw new IllegalArgumentException("iterations must be >= 0 and usersPerIteration >= 1");
        if (!(betaInit > 0)) throw new IllegalArgumentException("betaInit must be > 0");
        if (!(userSampleRate >= 0 && userSampleRate <= 1)) throw new IllegalArgumentException("userSampleRate must be in [0, 1]");
    }

    public static TrainerConfig defaults() {
        return new TrainerConfig(FeatureSpec.defaults(), UtilityBasis.defaults(), OutcomeTrainerConfig.defaults(), 16, 4, 5.0,
                ModelConfig.defaults(), ObjectiveConfig.defaults(), AdamConfig.defaults(), 400, 200, 0.0, 1L);
    }

    public TrainerConfig withIterations(int n, int users) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, betaInit, model, objective, adam, n, users, userSampleRate, seed);
    }

    /** Bernoulli user sampling at {@code rate} per iteration (0 switches back to exact-size sampling). */
    public TrainerConfig withUserSampleRate(double rate) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, betaInit, model, objective, adam, iterations, usersPerIteration, rate, seed);
    }

    public TrainerConfig withBasis(UtilityBasis b) {
        return new TrainerConfig(featureSpec, b, outcome, hidden, latent, betaInit, model, objective, adam, iterations, usersPerIteration,
                userSampleRate, seed);
    }

    public TrainerConfig withSeed(long s) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, betaInit, model, objective, adam, iterations, usersPerIteration, userSampleRate, s);
    }

    public TrainerConfig withObjective(ObjectiveConfig o) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, betaInit, model, o, adam, iterations, usersPerIteration, userSampleRate, seed);
    }

    public TrainerConfig withModel(ModelConfig m) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, betaInit, m, objective, adam, iterations, usersPerIteration, userSampleRate, seed);
    }

    public TrainerConfig withAdam(AdamConfig a) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, betaInit, model, objective, a, iterations, usersPerIteration, userSampleRate, seed);
    }

    public TrainerConfig withOutcome(OutcomeTrainerConfig o) {
        return new TrainerConfig(featureSpec, basis, o, hidden, latent, betaInit, model, objective, adam, iterations, usersPerIteration, userSampleRate, seed);
    }

    public TrainerConfig withBetaInit(double b) {
        return new TrainerConfig(featureSpec, basis, outcome, hidden, latent, b, model, objective, adam, iterations, usersPerIteration, userSampleRate, seed);
    }
}
