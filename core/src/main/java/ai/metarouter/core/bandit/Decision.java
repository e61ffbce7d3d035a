package ai.metarouter.core.bandit;

import java.util.Arrays;

/**
 * One exploration decision.
 *
 * @param chosenIndex index of the chosen candidate
 * @param propensity the probability with which it was chosen ({@code probabilities[chosenIndex]}, > 0)
 * @param probabilities the full distribution over candidates (sums to 1; masked candidates are 0)
 */
public record Decision(int chosenIndex, double propensity, double[] probabilities) {
    public Decision {
        if (chosenIndex < 0 || chosenIndex >= probabilities.length) throw new IllegalArgumentException("chosen index out of range");
        if (!(propensity > 0 && propensity <= 1)) throw new IllegalArgumentException("propensity must be in (0, 1], got " + propensity);
        probabilities = probabilities.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Decision d && chosenIndex == d.chosenIndex && Double.compare(propensity, d.propensity) == 0
                && Arrays.equals(probabilities, d.probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * chosenIndex + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "Decision[chosen=" + chosenIndex + ", propensity=" + propensity + ", p=" + Arrays.toString(probabilities) + "]";
    }
}
