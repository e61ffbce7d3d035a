package ai.metarouter.core.bandit;

/**
 * Exploit only: all mass on the best available score (exact ties share it). With a floor it
 * becomes "best, plus pMin everywhere".
 *
 * @param minProbability floor on every available candidate's probability
 */
public record Greedy(double minProbability) implements Exploration {
    public Greedy {
        Exploration.checkFloor(minProbability);
    }

    @Override
    public void rawProbabilities(double[] scores, boolean[] available, int n, int m, double[] out) {
        Exploration.argmaxInto(scores, available, n, out);
    }
}
