package ai.metarouter.core.bandit;

import java.util.SplittableRandom;

/**
 * An exploration strategy: candidate scores (higher is better) to probabilities, and a seeded
 * draw from them. Implementations are immutable records; all of them honour an optional
 * {@code available} mask and a minimum-probability floor.
 *
 * <p>The floor mixes the strategy's distribution with the uniform one over the m available
 * candidates, {@code p' = pMin + (1 - m pMin) p}, which keeps the sum at 1 and every available
 * candidate at or above pMin (so off-policy estimates have bounded importance weights). When
 * {@code m pMin > 1} the floor is unattainable and the result is uniform.
 */
public sealed interface Exploration permits Greedy, Softmax, EpsilonGreedy {

    /** The floor on every available candidate's probability (0 = none). */
    double minProbability();

    /**
     * The strategy's distribution before the floor, over available candidates; entries of
     * unavailable ones must be set to 0. {@code m >= 1} is the number of available candidates.
     */
    void rawProbabilities(double[] scores, boolean[] available, int n, int m, double[] out);

    /** The distribution over the first n candidates (floor applied) into {@code out}. */
    default void probabilities(double[] scores, boolean[] available, int n, double[] out) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (available == null || available[i]) {
                if (Double.isNaN(scores[i])) throw new IllegalArgumentException("score of available candidate " + i + " is NaN");
                m++;
            }
        }
        if (m == 0) throw new IllegalArgumentException("no available candidate to choose from");
        rawProbabilities(scores, available, n, m, out);
        double floor = minProbability();
        if (floor > 0) {
            double pMin = Math.min(floor, 1.0 / m);
            double keep = 1.0 - m * pMin;
            for (int i = 0; i < n; i++) {
                out[i] = (available == null || available[i]) ? pMin + keep * out[i] : 0.0;
            }
        }
    }

    /** The distribution over all candidates (all available when {@code available} is null). */
    default double[] probabilities(double[] scores, boolean[] available) {
        double[] out = new double[scores.length];
        probabilities(scores, available, scores.length, out);
        return out;
    }

    /** A seeded choice among all candidates. */
    default Decision decide(double[] scores, long seed) {
        return decide(scores, null, seed);
    }

    /**
     * A seeded choice: the same scores, mask and seed always give the same decision. The draw is
     * one {@code SplittableRandom(seed).nextDouble()} inverted through the cumulative distribution.
     */
    default Decision decide(double[] scores, boolean[] available, long seed) {
        double[] p = probabilities(scores, available);
        double u = new SplittableRandom(seed).nextDouble();
        int chosen = -1;
        double cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] <= 0) continue;
            chosen = i;
            cumulative += p[i];
            if (u < cumulative) break;
        }
        // chosen is the last candidate with positive probability if rounding left u above the total.
        return new Decision(chosen, p[chosen], p);
    }

    /**
     * The exploration a configuration names ({@code softmax | epsilon-greedy | greedy}); the one
     * mapping from names to strategies, shared by serving's config, the MLlib model and the golden set.
     */
    static Exploration named(String strategy, double tau, double epsilon, double minPropensity) {
        return switch (strategy) {
            case "softmax" -> new Softmax(tau, minPropensity);
            case "epsilon-greedy" -> new EpsilonGreedy(epsilon, minPropensity);
            case "greedy" -> new Greedy(minPropensity);
            default -> throw new IllegalArgumentException("exploration strategy must be softmax, epsilon-greedy or greedy, got '"
                    + strategy + "'");
        };
    }

    /** Always the best score (ties share the mass equally). */
    static Exploration greedy() {
        return new Greedy(0.0);
    }

    /** Softmax with temperature tau. */
    static Exploration softmax(double tau) {
        return new Softmax(tau, 0.0);
    }

    /** Best with probability 1 - epsilon, uniform otherwise. */
    static Exploration epsilonGreedy(double epsilon) {
        return new EpsilonGreedy(epsilon, 0.0);
    }

    /** Puts mass 1 on the available argmax (equal shares on exact ties). */
    static void argmaxInto(double[] scores, boolean[] available, int n, double[] out) {
        double best = Double.NEGATIVE_INFINITY;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            if (available != null && !available[i]) continue;
            double s = scores[i];
            if (s > best || ties == 0) {
                best = s;
                ties = 1;
            } else if (s == best) {
                ties++;
            }
        }
        double share = 1.0 / ties;
        for (int i = 0; i < n; i++) {
            out[i] = (available == null || available[i]) && scores[i] == best ? share : 0.0;
        }
    }

    static void checkFloor(double minProbability) {
        if (!(minProbability >= 0 && minProbability <= 1)) throw new IllegalArgumentException("minProbability must be in [0, 1], got " + minProbability);
    }
}
