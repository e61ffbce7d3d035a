package ai.metarouter.core.learn;

/**
 * One user's contribution to an outer iteration: the meta-loss, its gradient over the flat
 * meta-parameter vector, and the diagnostics the trainer logs.
 *
 * @param loss the user's meta-loss L (0 when {@link #isEmpty()})
 * @param gradient dL / d(meta-parameters), flat ({@code null} when empty)
 * @param contexts k, the context-set size used
 * @param routeEvents query-set route events with a reward (IPS terms)
 * @param pairEvents query-set comparisons (log-likelihood terms)
 * @param ipsValue mean IPS value V of the adapted policy
 * @param entropy mean policy entropy H
 * @param pairLogLikelihood mean log-likelihood LL of the query-set comparisons
 */
public record UserGradient(double loss, double[] gradient, int contexts, int routeEvents, int pairEvents,
                           double ipsValue, double entropy, double pairLogLikelihood) {

    /** A user without a scorable query set: contributes nothing and is counted as skipped. */
    public static UserGradient empty() {
        return new UserGradient(0.0, null, 0, 0, 0, 0.0, 0.0, 0.0);
    }

    public boolean isEmpty() {
        return gradient == null;
    }

    /** Number of query-set events scored. */
    public int events() {
        return routeEvents + pairEvents;
    }
}
