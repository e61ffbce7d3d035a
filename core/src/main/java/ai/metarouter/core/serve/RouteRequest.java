package ai.metarouter.core.serve;

import java.util.List;

/**
 * A routing request.
 *
 * @param userId the user
 * @param query the query text
 * @param candidates the models to choose among, or null for every model of the serving version
 */
public record RouteRequest(String userId, String query, List<String> candidates) {
    public RouteRequest {
        candidates = candidates == null ? null : List.copyOf(candidates);
    }
}
