package ai.metarouter.core.learn;

/**
 * Settings of the outcome predictor's fit.
 *
 * @param rank r, width of the query representation
 * @param l2Projection L2 weight on the query projection U
 * @param l2Embedding L2 weight on the arm embeddings (the bias component is not penalised)
 * @param learningRate Adam step size
 * @param epochs passes over the training queries
 * @param batchSize queries per mini-batch (all of an arm's observed cells of a query go together)
 * @param initStd standard deviation of the Gaussian initialisation of U and the embeddings
 * @param seed initialisation and shuffling seed
 */
public record OutcomeTrainerConfig(int rank, double l2Projection, double l2Embedding, double learningRate, int epochs,
                                   int batchSize, double initStd, long seed) {
    public OutcomeTrainerConfig {
        if (rank < 1) throw new IllegalArgumentException("rank must be >= 1");
        if (!(l2Projection >= 0) || !(l2Embedding >= 0)) throw new IllegalArgumentException("L2 weights must be >= 0");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0");
        if (epochs < 0 || batchSize < 1) throw new IllegalArgumentException("epochs must be >= 0 and batchSize >= 1");
        if (!(initStd >= 0)) throw new IllegalArgumentException("initStd must be >= 0");
    }

    public static OutcomeTrainerConfig defaults() {
        return new OutcomeTrainerConfig(16, 1e-4, 1e-4, 0.01, 30, 64, 0.1, 1L);
    }

    public OutcomeTrainerConfig withEpochs(int e) {
        return new OutcomeTrainerConfig(rank, l2Projection, l2Embedding, learningRate, e, batchSize, initStd, seed);
    }

    public OutcomeTrainerConfig withRegularisation(double l2U, double l2E) {
        return new OutcomeTrainerConfig(rank, l2U, l2E, learningRate, epochs, batchSize, initStd, seed);
    }

    public OutcomeTrainerConfig withRank(int r) {
        return new OutcomeTrainerConfig(r, l2Projection, l2Embedding, learningRate, epochs, batchSize, initStd, seed);
    }
}
