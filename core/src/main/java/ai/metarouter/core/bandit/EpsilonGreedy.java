package ai.metarouter.core.bandit;

/**
 * With probability 1 - epsilon the best available candidate (ties share), otherwise a uniform
 * one: {@code p_best = 1 - epsilon + epsilon / m}, others {@code epsilon / m}.
 *
 * @param epsilon exploration rate in [0, 1]
 * @param minProbability floor on every available candidate's probability
 */
public record EpsilonGreedy(double epsilon, double minProbability) implements Exploration {
    public EpsilonGreedy {
        if (!(epsilon >= 0 && epsilon <= 1)) throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        Exploration.checkFloor(minProbability);
    }

    @Override
    public void rawProbabilities(double[] scores, boolean[] available, int n, int m, double[] out) {
        Exploration.argmaxInto(scores, available, n, out);
        double uniform = epsilon / m;
        for (int i = 0; i < n; i++) {
            if (available == null || available[i]) out[i] = (1.0 - epsilon) * out[i] + uniform;
        }
    }
}
