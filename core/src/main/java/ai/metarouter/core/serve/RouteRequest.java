package ai.metarouter.core.serve;

import java.util.ArrayList;
import java.util.Collections;
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
        // Keeps null elements so that RouterService can reject them with a message (List.copyOf would throw an NPE).
        candidates = candidates == null ? null : Collections.unmodifiableList(new ArrayList<>(candidates));
    }
}
