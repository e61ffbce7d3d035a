package ai.metarouter.core.data;

/**
 * One piece of user feedback, the evidence a user's preference is learned from. Either a pairwise
 * comparison of two outcomes, or a reward for one outcome.
 */
public sealed interface Feedback {

    /** The query text the feedback was about. */
    String query();

    /** The user compared {@code a} and {@code b} for a query and preferred one of them. */
    record Pairwise(String query, Outcome a, Outcome b, boolean preferredA) implements Feedback {
        public Pairwise {
            if (a == null || b == null) throw new IllegalArgumentException("a comparison needs two outcomes");
        }

        public Outcome winner() {
            return preferredA ? a : b;
        }

        public Outcome loser() {
            return preferredA ? b : a;
        }
    }

    /** The user gave {@code reward} (on their own utility scale) to one outcome. */
    record Reward(String query, Outcome outcome, double reward) implements Feedback {
        public Reward {
            if (outcome == null) throw new IllegalArgumentException("a reward needs an outcome");
            if (!Double.isFinite(reward)) throw new IllegalArgumentException("reward must be finite");
        }
    }
}
