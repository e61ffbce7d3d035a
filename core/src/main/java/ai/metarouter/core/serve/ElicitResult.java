package ai.metarouter.core.serve;

/**
 * The comparison to show a user next: the answers of {@code modelA} and {@code modelB} to
 * {@code query}; the user's choice goes to {@link RouterService#feedback} as a pairwise comparison.
 *
 * @param queryIndex the query's index in the request
 * @param query the query text
 * @param modelA the first model (earlier in candidate order)
 * @param modelB the second model
 * @param expectedInformationBits expected information of the user's answer about their utility weights
 * @param predictedA the predictor's expected quality and cost of modelA's answer
 * @param predictedB likewise for modelB
 * @param feedbackCount how much of the user's feedback the router holds (what the posterior was built from)
 * @param artifactVersion the artifact version that chose
 */
public record ElicitResult(int queryIndex, String query, String modelA, String modelB, double expectedInformationBits,
                           Prediction predictedA, Prediction predictedB, int feedbackCount, int artifactVersion) {

    /** The predictor's q^ (expected quality; pass probability for pass/fail outcomes) and expected cost in USD. */
    public record Prediction(double quality, double costUsd) {}
}
