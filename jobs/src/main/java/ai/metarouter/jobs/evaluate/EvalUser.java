package ai.metarouter.jobs.evaluate;

import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.data.UtilityProfile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A held-out simulated user as the evaluation ships it: the true profile (never shown to a router),
 * and the user's kMax pairwise feedback contexts in order (the first k of them are "k contexts").
 * Contexts are arrays so the record is small and serialisable; {@link #contexts(int)} rebuilds them.
 *
 * @param userId held-out user id (a namespace training never uses)
 * @param split {@code id} or {@code ood}
 * @param family report family: {@code linear} for ID users; for OOD {@code linear_low},
 *        {@code linear_high}, {@code budget}, {@code quality_floor}, {@code concave}, {@code threshold}
 * @param profile the true utility's columns
 * @param beta Bradley-Terry sharpness the contexts were drawn with
 * @param ctxRow outcome-table row (panel row) of each context's query
 * @param ctxArmA panel arm index of outcome a
 * @param ctxArmB panel arm index of outcome b
 * @param ctxPreferA whether the user preferred a
 * @param sweeps whether this user is also scored under the pool sweeps (a subset of users is
 *        enough there and keeps the job affordable)
 */
public record EvalUser(String userId, String split, String family, TrueProfile profile, double beta, int[] ctxRow,
                       int[] ctxArmA, int[] ctxArmB, boolean[] ctxPreferA, boolean sweeps) implements Serializable {
    private static final long serialVersionUID = 1L;

    public UtilityProfile utility() {
        return profile.toProfile();
    }

    public int contextCount() {
        return ctxRow.length;
    }

    /** The first k contexts as feedback, outcomes taken from the panel's true grid. */
    public List<Feedback.Pairwise> contexts(int k, QueryPanel panel) {
        List<Feedback.Pairwise> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            int r = ctxRow[j];
            Outcome a = new Outcome(panel.arms().get(ctxArmA[j]), panel.quality(r, ctxArmA[j]), panel.cost(r, ctxArmA[j]));
            Outcome b = new Outcome(panel.arms().get(ctxArmB[j]), panel.quality(r, ctxArmB[j]), panel.cost(r, ctxArmB[j]));
            out.add(new Feedback.Pairwise("row-" + r, a, b, ctxPreferA[j]));
        }
        return out;
    }
}
