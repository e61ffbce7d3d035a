package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.IterationLog;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One outer iteration as the train job logs it: the core {@link IterationLog} (loss, utility
 * estimate, gradient norm, users, events) plus wall time and, for L-BFGS, the number of
 * distributed function evaluations the iteration took (line search included; 1 for Adam).
 *
 * @param log the core log line
 * @param seconds wall time of the iteration
 * @param evaluations distributed passes over the users in this iteration
 */
public record IterationRecord(IterationLog log, double seconds, int evaluations) {

    /** The stderr progress line. */
    public String progressLine() {
        return String.format(Locale.ROOT,
                "iteration %d: loss %.6f, utility (IPS) %.4f, pair LL %.4f, |grad| %.4g, users %,d (+%,d skipped), events %,d, %.2f s%s",
                log.iteration(), log.meanLoss(), log.meanIpsValue(), log.meanPairLogLikelihood(), log.gradNorm(), log.users(),
                log.skippedUsers(), log.events(), seconds, evaluations > 1 ? ", " + evaluations + " evaluations" : "");
    }

    /** The training-log JSON form. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iteration", log.iteration());
        m.put("loss", log.meanLoss());
        m.put("utility_ips", log.meanIpsValue());
        m.put("pair_log_likelihood", log.meanPairLogLikelihood());
        m.put("entropy", log.meanEntropy());
        m.put("mean_contexts", log.meanContexts());
        m.put("grad_norm", log.gradNorm());
        m.put("users", log.users());
        m.put("skipped_users", log.skippedUsers());
        m.put("events", log.events());
        m.put("seconds", seconds);
        m.put("evaluations", evaluations);
        return m;
    }

    /** Reads {@link #toMap()}'s form (checkpoints carry the log so far). */
    public static IterationRecord fromMap(Map<String, ?> m) {
        IterationLog log = new IterationLog(num(m, "iteration").intValue(), num(m, "users").longValue(), num(m, "skipped_users").longValue(),
                num(m, "events").longValue(), num(m, "loss").doubleValue(), num(m, "utility_ips").doubleValue(),
                num(m, "pair_log_likelihood").doubleValue(), num(m, "entropy").doubleValue(), num(m, "mean_contexts").doubleValue(),
                num(m, "grad_norm").doubleValue());
        return new IterationRecord(log, num(m, "seconds").doubleValue(), num(m, "evaluations").intValue());
    }

    private static Number num(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("iteration record: '" + key + "' must be a number");
        return n;
    }
}
