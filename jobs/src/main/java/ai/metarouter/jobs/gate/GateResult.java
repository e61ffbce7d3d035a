package ai.metarouter.jobs.gate;

import java.util.List;

/**
 * The gate's decision: the candidate passes when every check passes.
 *
 * @param candidateVersion the candidate's artifact version
 * @param baselineVersion LATEST's artifact version when it was evaluated; null for a first
 *     version, gated on absolute checks because the registry had no LATEST
 * @param checks every criterion, in report order
 */
public record GateResult(int candidateVersion, Integer baselineVersion, List<GateCheck> checks) {
    public GateResult {
        checks = List.copyOf(checks);
        if (checks.isEmpty()) throw new IllegalArgumentException("a gate decision needs at least one check");
    }

    public boolean passed() {
        return checks.stream().allMatch(GateCheck::passed);
    }

    /** Whether this was the first-version decision (no baseline). */
    public boolean firstVersion() {
        return baselineVersion == null;
    }

    /** The failed checks, one line each. */
    public List<String> reasons() {
        return checks.stream().filter(c -> !c.passed()).map(GateCheck::describe).toList();
    }
}
