package ai.metarouter.core.serve.http;

/** The served endpoints: path, method, whether a configured bearer token is required, metrics label. */
enum Endpoint {
    ROUTE("/v1/route", "POST", true, "route"),
    FEEDBACK("/v1/feedback", "POST", true, "feedback"),
    ELICIT("/v1/elicit", "POST", true, "elicit"),
    MODELS("/v1/models", "GET", true, "models"),
    /** Load balancers probe health without credentials. */
    HEALTHZ("/healthz", "GET", false, "healthz"),
    METRICS("/metrics", "GET", true, "metrics");

    /** Metrics label of requests to any other path (one label, so unknown paths cannot grow the series). */
    static final String UNKNOWN_LABEL = "unknown";

    final String path;
    final String method;
    final boolean authenticated;
    final String label;

    Endpoint(String path, String method, boolean authenticated, String label) {
        this.path = path;
        this.method = method;
        this.authenticated = authenticated;
        this.label = label;
    }

    /** The endpoint of an exact path, or null. */
    static Endpoint of(String path) {
        for (Endpoint e : values()) if (e.path.equals(path)) return e;
        return null;
    }
}
