package ai.metarouter.jobs.ml;

import ai.metarouter.core.bandit.Decision;
import ai.metarouter.core.bandit.Exploration;
import ai.metarouter.core.data.Feedback;
import ai.metarouter.core.data.Outcome;
import ai.metarouter.core.featurize.StableHash;
import ai.metarouter.core.model.MetaRouterModel;
import ai.metarouter.core.model.UserState;
import ai.metarouter.jobs.train.ModelSnapshot;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * Routes the rows of one partition with the broadcast model, making the serving library's calls
 * in the serving library's order ({@code RouterService.route} and {@code UserStates}):
 * <ol>
 *   <li>the user's state: {@link MetaRouterModel#prior()} without feedback, else
 *       {@link MetaRouterModel#adapt} of the most recent {@code maxContexts} contexts in arrival
 *       order (the server adapts from its most recent {@code feedback-per-user});</li>
 *   <li>the candidates: the row's, or every arm of the model in artifact order; each must be a
 *       known model, none twice;</li>
 *   <li>{@link MetaRouterModel#scores} of the featurised query;</li>
 *   <li>the exploration's seeded draw, seeded by {@link StableHash#decisionSeed} of the row's
 *       event id (what seeds a served decision), or of "user id \u0000 query" for a row without one.</li>
 * </ol>
 * Rows of one user usually share their contexts, so adapted states are cached per partition
 * (by the contexts' value: a cache hit returns exactly what adapting again would).
 */
final class BatchRouter implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final int STATE_CACHE = 256;

    /**
     * What the function needs besides the model.
     *
     * @param layout where the inputs are in a row
     * @param exploration strategy name ({@link RoutingParams#EXPLORATIONS})
     * @param handleInvalid {@link RoutingParams#HANDLE_INVALID}
     */
    record Spec(RoutingColumns.Layout layout, String exploration, double tau, double epsilon, double minPropensity, int maxContexts,
                String handleInvalid) implements Serializable {
        Exploration strategy() {
            return Exploration.named(exploration, tau, epsilon, minPropensity);
        }
    }

    private final Broadcast<ModelSnapshot> model;
    private final Spec spec;

    BatchRouter(Broadcast<ModelSnapshot> model, Spec spec) {
        this.model = model;
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Routed(rows, model.value().model(), spec);
    }

    /** A row that cannot be routed, and why. */
    static final class InvalidRowException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidRowException(String message) {
            super(message);
        }
    }

    /** The routed rows of one partition, pulled one at a time. */
    private static final class Routed implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final MetaRouterModel model;
        private final Spec spec;
        private final RoutingColumns.Layout at;
        private final Exploration exploration;
        private final Map<List<Feedback>, UserState> states = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Feedback>, UserState> eldest) {
                return size() > STATE_CACHE;
            }
        };
        private Row next;
        private final List<String> allIds;
        private final int[] allArms;

        Routed(Iterator<Row> rows, MetaRouterModel model, Spec spec) {
            this.rows = rows;
            this.model = model;
            this.spec = spec;
            this.at = spec.layout();
            this.exploration = spec.strategy();
            this.allIds = model.predictor().armIds();
            this.allArms = java.util.stream.IntStream.range(0, allIds.size()).toArray();
        }

        @Override
        public boolean hasNext() {
            while (next == null && rows.hasNext()) next = route(rows.next());
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            Row r = next;
            next = null;
            return r;
        }

        /** The row with its outputs, or null when it is invalid and skipped. */
        private Row route(Row row) {
            Object[] out;
            try {
                out = decide(row);
            } catch (IllegalArgumentException e) {
                switch (spec.handleInvalid()) {
                    case "skip":
                        return null;
                    case "keep":
                        out = new Object[] {null, null, null, e.getMessage()};
                        break;
                    default:
                        throw new InvalidRowException("MetaRouterModel.transform: cannot route the row " + describe(row) + ": "
                                + e.getMessage() + " (handleInvalid=skip drops such rows, keep keeps them with the reason)");
                }
            }
            int n = row.size();
            Object[] values = new Object[n + out.length];
            for (int i = 0; i < n; i++) values[i] = row.get(i);
            System.arraycopy(out, 0, values, n, out.length);
            return RowFactory.create(values);
        }

        /** {chosen model, propensity, scores} (plus a null reason with handleInvalid=keep). */
        private Object[] decide(Row row) {
            String user = row.isNullAt(at.user()) ? null : row.getString(at.user());
            String query = row.isNullAt(at.query()) ? null : row.getString(at.query());
            if (user == null || user.isBlank()) throw new InvalidRowException("the user id is null or blank");
            if (query == null) throw new InvalidRowException("the query is null");
            boolean all = at.candidates() < 0 || row.isNullAt(at.candidates());
            // Rows without candidates (the usual case) route among every model: ids and indices built once per partition.
            List<String> candidates = all ? allIds : row.getList(at.candidates());
            int[] arms = all ? allArms : arms(candidates);
            UserState state = state(row);
            double[] scores = new double[arms.length];
            model.scores(model.featurize(query), arms, state, scores);
            String eventId = at.eventId() >= 0 && !row.isNullAt(at.eventId()) ? row.getString(at.eventId()) : null;
            long seed = StableHash.decisionSeed(eventId != null ? eventId : user + '\u0000' + query);
            Decision d = exploration.decide(scores, seed);
            Map<String, Double> byModel = new LinkedHashMap<>();
            for (int i = 0; i < arms.length; i++) byModel.put(candidates.get(i), scores[i]);
            Object scoreMap = JavaConverters.mapAsScalaMap(byModel);
            return spec.handleInvalid().equals("keep")
                    ? new Object[] {candidates.get(d.chosenIndex()), d.propensity(), scoreMap, null}
                    : new Object[] {candidates.get(d.chosenIndex()), d.propensity(), scoreMap};
        }

        private int[] arms(List<String> candidates) {
            if (candidates.isEmpty()) throw new InvalidRowException("the candidates are empty (null routes among all models)");
            int[] arms = new int[candidates.size()];
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < arms.length; i++) {
                String id = candidates.get(i);
                arms[i] = id == null ? -1 : model.predictor().armIndex(id);
                if (arms[i] < 0) {
                    throw new InvalidRowException("unknown model in candidates: '" + id + "' (the model routes among "
                            + model.predictor().armIds() + ")");
                }
                if (!seen.add(id)) throw new InvalidRowException("model '" + id + "' appears twice in candidates");
            }
            return arms;
        }

        private UserState state(Row row) {
            if (at.contexts() < 0 || row.isNullAt(at.contexts())) return model.prior();
            List<Row> elements = row.getList(at.contexts());
            if (elements.isEmpty()) return model.prior();
            int from = Math.max(0, elements.size() - spec.maxContexts());
            List<Feedback> feedback = new ArrayList<>(elements.size() - from);
            for (int i = from; i < elements.size(); i++) feedback.add(feedback(elements.get(i), i));
            List<Feedback> key = Collections.unmodifiableList(feedback);
            UserState cached = states.get(key);
            if (cached != null) return cached;
            UserState adapted = model.adapt(key);
            states.put(key, adapted);
            return adapted;
        }

        /** Context {@code i} as core feedback, checked as the server checks feedback. */
        private Feedback feedback(Row c, int i) {
            if (c == null) throw new InvalidRowException("context " + i + " is null");
            RoutingColumns.ContextFields f = at.contextFields();
            String query = f.query() >= 0 && !c.isNullAt(f.query()) ? c.getString(f.query()) : "";
            try {
                if (f.hasPairs() && !c.isNullAt(f.preferred())) {
                    String preferred = c.getString(f.preferred());
                    if (!preferred.equals("a") && !preferred.equals("b")) {
                        throw new InvalidRowException("preferred must be \"a\" or \"b\", got \"" + preferred + "\"");
                    }
                    Outcome a = outcome(c, f.modelA(), f.qualityA(), f.costA(), "_a");
                    Outcome b = outcome(c, f.modelB(), f.qualityB(), f.costB(), "_b");
                    return new Feedback.Pairwise(query, a, b, preferred.equals("a"));
                }
                if (f.hasRewards() && !c.isNullAt(f.reward())) {
                    return new Feedback.Reward(query, outcome(c, f.model(), f.quality(), f.cost(), ""), c.getDouble(f.reward()));
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidRowException("context " + i + ": " + e.getMessage());
            }
            throw new InvalidRowException("context " + i + " is neither a comparison (preferred is null) nor a reward (reward is null)");
        }

        private Outcome outcome(Row c, int model, int quality, int cost, String suffix) {
            if (c.isNullAt(model) || c.isNullAt(quality) || c.isNullAt(cost)) {
                throw new InvalidRowException("model" + suffix + ", quality" + suffix + " and cost_usd" + suffix + " must not be null");
            }
            String id = c.getString(model);
            if (this.model.predictor().armIndex(id) < 0) {
                throw new InvalidRowException("unknown model '" + id + "' (the model knows " + this.model.predictor().armIds() + ")");
            }
            return new Outcome(id, c.getDouble(quality), c.getDouble(cost));
        }

        private String describe(Row row) {
            List<String> parts = new ArrayList<>();
            if (at.eventId() >= 0) parts.add("event id " + quoted(row, at.eventId()));
            parts.add("user " + quoted(row, at.user()));
            return "(" + String.join(", ", parts) + ")";
        }

        private static String quoted(Row row, int i) {
            return row.isNullAt(i) ? "null" : "'" + row.get(i) + "'";
        }
    }
}
