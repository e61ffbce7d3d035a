package ai.metarouter.core.learn;

import java.io.Serializable;

/**
 * One event of a {@link UserTask}, already in the numbers the objective needs (normalised costs,
 * predicted outcomes in the utility basis). Comparisons and rewards are feedback; a route event is
 * feedback too when its reward is known, and otherwise only a query-set event.
 */
public sealed interface TaskEvent extends Serializable {

    /** Whether this event can serve as a feedback context. */
    boolean isFeedback();

    /**
     * The user preferred an outcome of (qWin, csWin) to one of (qLose, csLose) (cs = normalised cost).
     */
    record Pair(double qWin, double csWin, double qLose, double csLose) implements TaskEvent {
        @Override
        public boolean isFeedback() {
            return true;
        }
    }

    /** The user gave {@code reward} to an outcome of quality q and normalised cost cs. */
    record Reward(double q, double cs, double reward) implements TaskEvent {
        @Override
        public boolean isFeedback() {
            return true;
        }
    }

    /**
     * A logged routing decision.
     *
     * @param candidatePsi psi(q^, cs^) of each candidate under the frozen outcome predictor, n x d
     * @param candidates n, the number of candidates the predictor knows
     * @param chosen index of the logged choice among them
     * @param propensity the logging policy's probability of that choice
     * @param reward the user's reward, NaN when unknown
     * @param observedQuality observed quality of the chosen answer, NaN when unknown
     * @param observedCs observed normalised cost of the chosen answer, NaN when unknown
     */
    record Route(double[] candidatePsi, int candidates, int chosen, double propensity, double reward,
                 double observedQuality, double observedCs) implements TaskEvent {
        public Route {
            if (candidates < 1 || chosen < 0 || chosen >= candidates) throw new IllegalArgumentException("route event: bad chosen index");
            if (!(propensity > 0 && propensity <= 1)) throw new IllegalArgumentException("route event: propensity must be in (0, 1]");
        }

        public boolean hasReward() {
            return !Double.isNaN(reward);
        }

        @Override
        public boolean isFeedback() {
            return hasReward() && !Double.isNaN(observedQuality) && !Double.isNaN(observedCs);
        }
    }
}
