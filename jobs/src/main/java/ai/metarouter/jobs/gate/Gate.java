package ai.metarouter.jobs.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gate's decision from two parsed {@code metrics.json} documents (contract.md): the
 * candidate's and LATEST's. Before anything is compared the two must be comparable, i.e. scored
 * on the same held-out users (same seed, same number of users per split, same outcome dataset,
 * same arms) at the gate's k; otherwise the comparison would say nothing and
 * {@link NotComparableException} is thrown.
 *
 * <p>A registry without LATEST (the very first version) has no baseline: {@link #firstVersion}
 * then applies absolute sanity checks instead of comparisons.
 */
public final class Gate {
    /** The contract's policy name of the router under test. */
    static final String POLICY = "metarouter";

    private Gate() {}

    /** Compares the candidate with the baseline (LATEST) under {@code settings}. */
    public static GateResult decide(JsonNode candidate, JsonNode baseline, GateSettings settings) {
        int candidateVersion = version(candidate, "candidate");
        int baselineVersion = version(baseline, "LATEST");
        if (candidateVersion == baselineVersion) {
            throw new NotComparableException("the candidate and LATEST are the same version v" + candidateVersion);
        }
        comparable(candidate, baseline, settings);
        List<GateCheck> checks = new ArrayList<>();
        String k = Integer.toString(settings.k());
        for (String split : settings.splits()) {
            JsonNode c = cell(candidate, split, k, "candidate");
            JsonNode b = cell(baseline, split, k, "LATEST");
            checks.add(GateCheck.compare("utility", split, number(c, "utility"), number(b, "utility"), settings.utilityTolerance()));
            checks.add(GateCheck.compare("pgc", split, number(c, "pgc"), number(b, "pgc"), settings.pgcTolerance()));
        }
        if (settings.offPolicyEstimator() != null) {
            String est = settings.offPolicyEstimator();
            checks.add(GateCheck.compare("off_policy_" + est, "logged", offPolicy(candidate, est, "candidate"),
                    offPolicy(baseline, est, "LATEST"), settings.offPolicyTolerance()));
        }
        return new GateResult(candidateVersion, baselineVersion, checks);
    }

    /**
     * The first version, with no LATEST to compare with: at the gate's k, for every split,
     * MetaRouter's held-out utility must be finite and its PGC at least the split's minimum
     * ({@code first-version.min-pgc-<split>}; 0 = not worse than the population router), and the
     * chosen off-policy estimate must be finite. The candidate must have been evaluated at k (and
     * with the off-policy log when an estimator is chosen), otherwise {@link NotComparableException}.
     */
    public static GateResult firstVersion(JsonNode candidate, GateSettings settings) {
        int candidateVersion = version(candidate, "candidate");
        List<String> problems = new ArrayList<>();
        evaluatedAtK(problems, candidate, "candidate", settings.k());
        if (!problems.isEmpty()) throw new NotComparableException("the candidate's evaluation cannot be gated: " + String.join("; ", problems));
        if (settings.offPolicyEstimator() != null) hasOffPolicy(candidate, "candidate");
        List<GateCheck> checks = new ArrayList<>();
        String k = Integer.toString(settings.k());
        for (String split : settings.splits()) {
            JsonNode c = cell(candidate, split, k, "candidate");
            checks.add(GateCheck.finite("utility", split, number(c, "utility")));
            checks.add(GateCheck.atLeast("pgc", split, number(c, "pgc"), settings.firstVersion().minPgc(split)));
        }
        if (settings.offPolicyEstimator() != null) {
            String est = settings.offPolicyEstimator();
            checks.add(GateCheck.finite("off_policy_" + est, "logged", offPolicy(candidate, est, "candidate")));
        }
        return new GateResult(candidateVersion, null, checks);
    }

    private static int version(JsonNode m, String which) {
        JsonNode v = m.get("artifact_version");
        if (v == null || !v.canConvertToInt()) throw new NotComparableException(which + " metrics.json has no artifact_version");
        return v.intValue();
    }

    /** Same users, same seed, same data, same arms, and k among the evaluated ones. */
    private static void comparable(JsonNode candidate, JsonNode baseline, GateSettings settings) {
        List<String> problems = new ArrayList<>();
        same(problems, "settings.seed", candidate.at("/settings/seed"), baseline.at("/settings/seed"));
        same(problems, "facts.held_out_users_per_split", candidate.at("/facts/held_out_users_per_split"),
                baseline.at("/facts/held_out_users_per_split"));
        same(problems, "facts.outcomes", candidate.at("/facts/outcomes"), baseline.at("/facts/outcomes"));
        same(problems, "settings.arms", candidate.at("/settings/arms"), baseline.at("/settings/arms"));
        if (settings.offPolicyEstimator() != null) {
            hasOffPolicy(candidate, "candidate");
            hasOffPolicy(baseline, "LATEST");
            same(problems, "off_policy.route_events", candidate.at("/off_policy/route_events"), baseline.at("/off_policy/route_events"));
            same(problems, "off_policy.users", candidate.at("/off_policy/users"), baseline.at("/off_policy/users"));
        }
        evaluatedAtK(problems, candidate, "candidate", settings.k());
        evaluatedAtK(problems, baseline, "LATEST", settings.k());
        if (!problems.isEmpty()) {
            throw new NotComparableException("the two evaluations are not comparable: " + String.join("; ", problems));
        }
    }

    private static void evaluatedAtK(List<String> problems, JsonNode m, String which, int k) {
        boolean hasK = false;
        for (JsonNode evaluated : m.at("/settings/ks")) hasK |= evaluated.asInt(-1) == k;
        if (!hasK) problems.add(which + " was not evaluated at k=" + k + " (settings.ks " + m.at("/settings/ks") + ")");
    }

    private static void hasOffPolicy(JsonNode m, String which) {
        if (!m.has("off_policy")) {
            throw new NotComparableException(which + " metrics.json has no off_policy section "
                    + "(evaluate without --logs); pass --off-policy-estimator none to gate without it");
        }
    }

    private static void same(List<String> problems, String what, JsonNode a, JsonNode b) {
        if (a.isMissingNode() || b.isMissingNode()) {
            problems.add(what + " is missing from " + (a.isMissingNode() ? "the candidate's" : "LATEST's") + " metrics.json");
        } else if (!Objects.equals(a, b)) {
            problems.add(what + " differs (candidate " + a + ", LATEST " + b + ")");
        }
    }

    private static JsonNode cell(JsonNode m, String split, String k, String which) {
        JsonNode c = m.path("policies").path(POLICY).path(split).path(k);
        if (c.isMissingNode()) throw new NotComparableException(which + " metrics.json has no policies." + POLICY + "." + split + "." + k);
        return c;
    }

    private static Double offPolicy(JsonNode m, String estimator, String which) {
        JsonNode e = m.path("off_policy").path("estimates").path(estimator);
        if (e.isMissingNode()) throw new NotComparableException(which + " metrics.json has no off_policy.estimates." + estimator);
        return number(e, "value");
    }

    /** A number, or null where metrics.json wrote null (non-finite). */
    private static Double number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || !v.isNumber() ? null : v.doubleValue();
    }

    /** The two metrics.json files cannot be compared: a wrong set-up, not a worse model. */
    public static final class NotComparableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotComparableException(String message) {
            super(message);
        }
    }
}
