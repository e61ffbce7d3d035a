package ai.metarouter.core.serve;

import ai.metarouter.core.model.UtilityBasis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which comparison to show a user next ({@link RouterService#elicit}).
 *
 * @param userId the user; their stored feedback is what the router already knows
 * @param queries query texts the comparison may be about (e.g. the user's recent or current
 *        prompts), 1 to {@value #MAX_QUERIES}, each at most once
 * @param candidates the models to compare (at least 2), or null for every model of the serving version
 * @param qualityOutcomes how the answers' quality will be judged, or null for the serving version's
 *        default ({@link QualityOutcomes#defaultFor})
 * @param exclude comparisons already asked, skipped; null for none
 */
public record ElicitRequest(String userId, List<String> queries, List<String> candidates, QualityOutcomes qualityOutcomes,
                            List<Asked> exclude) {
    public static final int MAX_QUERIES = 64;
    public static final int MAX_EXCLUDE = 1024;

    public ElicitRequest {
        // Copies that keep null elements: RouterService rejects them with an InvalidRequestException naming the
        // element (List.copyOf would throw a NullPointerException first).
        queries = queries == null ? null : Collections.unmodifiableList(new ArrayList<>(queries));
        candidates = candidates == null ? null : Collections.unmodifiableList(new ArrayList<>(candidates));
        exclude = exclude == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(exclude));
    }

    /**
     * A comparison the user was already asked: query {@code queryIndex} (into {@code queries}) with
     * models {@code modelA} and {@code modelB}, in either order.
     */
    public record Asked(int queryIndex, String modelA, String modelB) {}

    /** Whether the outcomes of a comparison are pass/fail or graded quality (see {@code ComparisonPlanner#candidate}). */
    public enum QualityOutcomes {
        PASS_FAIL("pass_fail"),
        GRADED("graded");

        private final String wire;

        QualityOutcomes(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** The value named {@code wire}, or null. */
        public static QualityOutcomes of(String wire) {
            for (QualityOutcomes q : values()) if (q.wire.equals(wire)) return q;
            return null;
        }

        /**
         * Pass/fail when the utility basis has no quality knots: training chooses that basis exactly
         * when the outcome table's qualities are all 0 or 1 ({@code UtilityBasis#forBinaryQuality}).
         */
        public static QualityOutcomes defaultFor(UtilityBasis basis) {
            return basis.qualityKnots().length == 0 ? PASS_FAIL : GRADED;
        }
    }
}
