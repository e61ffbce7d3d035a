package ai.metarouter.core.sim;

import java.io.Serializable;
import java.util.Locale;

/**
 * The policy that chose models for simulated route events, and so the propensities those events
 * carry. Uniform random gives every candidate the same propensity; epsilon-greedy around an anchor
 * (the cheapest or the strongest candidate) gives the anchor {@code 1 - epsilon + epsilon/n} and
 * every other candidate {@code epsilon/n}, so off-policy estimators see propensities that vary.
 *
 * @param kind the rule
 * @param epsilon exploration share for the epsilon-greedy rules (ignored by uniform)
 */
public record LoggingPolicy(Kind kind, double epsilon) implements Serializable {
    private static final long serialVersionUID = 1L;


    public enum Kind { UNIFORM, EPSILON_CHEAPEST, EPSILON_STRONGEST }

    public LoggingPolicy {
        if (kind == null) throw new IllegalArgumentException("logging policy kind is missing");
        if (kind != Kind.UNIFORM && !(epsilon > 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in (0, 1], got " + epsilon);
        }
        if (kind == Kind.UNIFORM) epsilon = 1.0;
    }

    public static LoggingPolicy uniform() {
        return new LoggingPolicy(Kind.UNIFORM, 1.0);
    }

    public static LoggingPolicy epsilonCheapest(double epsilon) {
        return new LoggingPolicy(Kind.EPSILON_CHEAPEST, epsilon);
    }

    public static LoggingPolicy epsilonStrongest(double epsilon) {
        return new LoggingPolicy(Kind.EPSILON_STRONGEST, epsilon);
    }

    /**
     * Parses {@code uniform}, {@code epsilon-cheapest:<eps>} or {@code epsilon-strongest:<eps>}
     * (eps defaults to 0.2 when omitted).
     */
    public static LoggingPolicy parse(String spec) {
        if (spec == null) throw new IllegalArgumentException("logging policy is missing");
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("uniform")) return uniform();
        String head = s;
        double eps = 0.2;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            head = s.substring(0, colon);
            try {
                eps = Double.parseDouble(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("logging policy '" + spec + "': epsilon is not a number");
            }
        }
        return switch (head) {
            case "epsilon-cheapest" -> epsilonCheapest(eps);
            case "epsilon-strongest" -> epsilonStrongest(eps);
            default -> throw new IllegalArgumentException("unknown logging policy '" + spec
                    + "' (expected uniform, epsilon-cheapest[:eps] or epsilon-strongest[:eps])");
        };
    }

    /** The {@code policy} column value of the route events this policy logs. */
    public String wireName() {
        return switch (kind) {
            case UNIFORM -> "uniform";
            case EPSILON_CHEAPEST -> String.format(Locale.ROOT, "epsilon-cheapest:%s", epsilon);
            case EPSILON_STRONGEST -> String.format(Locale.ROOT, "epsilon-strongest:%s", epsilon);
        };
    }

    /** Probability of choosing candidate {@code i} of {@code n} when the anchor is candidate {@code anchor}. */
    public double propensity(int i, int n, int anchor) {
        if (kind == Kind.UNIFORM) return 1.0 / n;
        return (i == anchor ? 1.0 - epsilon : 0.0) + epsilon / n;
    }
}
