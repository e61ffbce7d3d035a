package ai.metarouter.jobs.gate;

import java.util.Locale;

/**
 * One criterion of the gate: either the candidate's value against the baseline's (a comparison,
 * with a tolerance), or, for a first version with no baseline, the candidate's value on its own
 * (an absolute check: finite, and at least a minimum where one is set).
 *
 * @param metric what is checked, e.g. {@code utility}, {@code pgc}, {@code off_policy_snips}
 * @param split {@code id}, {@code ood}, or {@code logged} for the off-policy estimate
 * @param candidate the candidate's value, null when metrics.json has none (non-finite)
 * @param baseline LATEST's value, null when metrics.json has none or there is no baseline
 * @param tolerance the largest allowed drop against the baseline; null for an absolute check
 * @param minimum the smallest allowed value of an absolute check; null for a comparison and for
 *     a check that only asks for a finite value
 * @param passed whether the candidate holds on this criterion
 * @param note why, in words
 */
public record GateCheck(String metric, String split, Double candidate, Double baseline, Double tolerance, Double minimum, boolean passed,
                        String note) {

    /**
     * The rule against a baseline: the candidate passes unless it is lower than the baseline by
     * more than the tolerance. A missing candidate value fails (a model whose metric cannot be
     * computed is not promoted); a missing baseline value cannot be compared against, so it passes
     * and says so.
     */
    static GateCheck compare(String metric, String split, Double candidate, Double baseline, double tolerance) {
        if (candidate == null) {
            return new GateCheck(metric, split, null, baseline, tolerance, null, false, "the candidate has no value");
        }
        if (baseline == null) {
            return new GateCheck(metric, split, candidate, null, tolerance, null, true, "LATEST has no value to compare with");
        }
        double drop = baseline - candidate;
        boolean ok = drop <= tolerance;
        String note = ok
                ? String.format(Locale.ROOT, "%+.4f (allowed drop %.4f)", candidate - baseline, tolerance)
                : String.format(Locale.ROOT, "dropped by %.4f, more than the allowed %.4f", drop, tolerance);
        return new GateCheck(metric, split, candidate, baseline, tolerance, null, ok, note);
    }

    /** An absolute check with no baseline: the candidate's value must exist (be finite) and be at least {@code minimum}. */
    static GateCheck atLeast(String metric, String split, Double candidate, double minimum) {
        if (candidate == null) {
            return new GateCheck(metric, split, null, null, null, minimum, false, "the candidate has no value");
        }
        boolean ok = candidate >= minimum;
        String note = ok
                ? String.format(Locale.ROOT, "at least the minimum %.4f", minimum)
                : String.format(Locale.ROOT, "below the minimum %.4f by %.4f", minimum, minimum - candidate);
        return new GateCheck(metric, split, candidate, null, null, minimum, ok, note);
    }

    /** An absolute check with no baseline and no minimum: the candidate's value must exist (metrics.json writes non-finite values as null). */
    static GateCheck finite(String metric, String split, Double candidate) {
        return candidate == null
                ? new GateCheck(metric, split, null, null, null, null, false, "the candidate has no value")
                : new GateCheck(metric, split, candidate, null, null, null, true, "finite");
    }

    /** One line for logs and alerts. */
    public String describe() {
        if (tolerance == null) return String.format(Locale.ROOT, "%s %s: candidate %s: %s", metric, split, fmt(candidate), note);
        return String.format(Locale.ROOT, "%s %s: candidate %s vs LATEST %s: %s", metric, split, fmt(candidate), fmt(baseline), note);
    }

    private static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
