package ai.metarouter.jobs.gate;

import java.util.Locale;

/**
 * One criterion of the gate: the candidate's value against the baseline's.
 *
 * @param metric what is compared, e.g. {@code utility}, {@code pgc}, {@code off_policy_snips}
 * @param split {@code id}, {@code ood}, or {@code logged} for the off-policy estimate
 * @param candidate the candidate's value, null when metrics.json has none (non-finite)
 * @param baseline LATEST's value, null when metrics.json has none
 * @param tolerance the largest allowed drop
 * @param passed whether the candidate holds on this criterion
 * @param note why, in words
 */
public record GateCheck(String metric, String split, Double candidate, Double baseline, double tolerance, boolean passed, String note) {

    /**
     * The rule: the candidate passes unless it is lower than the baseline by more than the
     * tolerance. A missing candidate value fails (a model whose metric cannot be computed is not
     * promoted); a missing baseline value cannot be compared against, so it passes and says so.
     */
    static GateCheck compare(String metric, String split, Double candidate, Double baseline, double tolerance) {
        if (candidate == null) {
            return new GateCheck(metric, split, null, baseline, tolerance, false, "the candidate has no value");
        }
        if (baseline == null) {
            return new GateCheck(metric, split, candidate, null, tolerance, true, "LATEST has no value to compare with");
        }
        double drop = baseline - candidate;
        boolean ok = drop <= tolerance;
        String note = ok
                ? String.format(Locale.ROOT, "%+.4f (allowed drop %.4f)", candidate - baseline, tolerance)
                : String.format(Locale.ROOT, "dropped by %.4f, more than the allowed %.4f", drop, tolerance);
        return new GateCheck(metric, split, candidate, baseline, tolerance, ok, note);
    }

    /** One line for logs and alerts. */
    public String describe() {
        return String.format(Locale.ROOT, "%s %s: candidate %s vs LATEST %s: %s", metric, split, fmt(candidate), fmt(baseline), note);
    }

    private static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
