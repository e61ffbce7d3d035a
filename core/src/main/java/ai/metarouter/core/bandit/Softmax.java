package ai.metarouter.core.bandit;

/**
 * Boltzmann exploration: {@code p_i proportional to exp(score_i / tau)} over available candidates.
 * Scores are a user's estimated utilities, so tau is in utility units: candidates within about
 * tau of the best keep a real chance.
 *
 * @param tau temperature, > 0
 * @param minProbability floor on every available candidate's probability
 */
public record Softmax(double tau, double minProbability) implements Exploration {
    public Softmax {
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("softmax tau must be > 0, got " + tau);
        Exploration.checkFloor(minProbability);
    }

    @Override
    public void rawProbabilities(double[] scores, boolean[] available, int n, int m, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) if (available == null || available[i]) max = Math.max(max, scores[i]);
        // All-infinite scores have no softmax; the limit is the argmax (ties share).
        if (Double.isInfinite(max)) {
            Exploration.argmaxInto(scores, available, n, out);
            return;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = (available == null || available[i]) ? Math.exp((scores[i] - max) / tau) : 0.0;
            out[i] = e;
            sum += e;
        }
        double inv = 1.0 / sum;
        for (int i = 0; i < n; i++) out[i] *= inv;
    }
}
