package ai.metarouter.core.model;

import java.util.Arrays;

/**
 * What the router knows about one user after adaptation: the adapted utility weights theta' (in
 * the {@link UtilityBasis}) and how many feedback contexts produced them. Small and immutable, so
 * a serving tier can keep one per user and swap it atomically.
 *
 * @param theta adapted weights, length d
 * @param contexts number of feedback contexts used (0 = the population prior)
 */
public record UserState(double[] theta, int contexts) {
    public UserState {
        for (double v : theta) if (!Double.isFinite(v)) throw new IllegalArgumentException("user state has a non-finite weight");
        if (contexts < 0) throw new IllegalArgumentException("contexts must be >= 0");
        theta = theta.clone();
    }

    @Override
    public double[] theta() {
        return theta.clone();
    }

    /** Component j of theta without copying. */
    public double theta(int j) {
        return theta[j];
    }

    /** Estimated utility of (q, cs) for this user. */
    public double utility(UtilityBasis basis, double q, double cs) {
        return basis.utility(theta, 0, q, cs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserState u && contexts == u.contexts && Arrays.equals(theta, u.theta);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(theta) + contexts;
    }

    @Override
    public String toString() {
        return "UserState[theta=" + Arrays.toString(theta) + ", contexts=" + contexts + "]";
    }
}
