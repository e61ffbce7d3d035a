/**
 * Active elicitation: which comparison to ask a user for next. A user gives a handful of pairwise
 * comparisons; which query and which two models they compare decides how much those few answers
 * reveal. {@link ai.metarouter.core.elicit.ComparisonPlanner} scores candidate comparisons by the
 * expected information of the user's answer about their utility weights under the router's
 * Laplace posterior ({@link ai.metarouter.core.model.PreferencePosterior}), averaging over the
 * outcomes the two models may produce; {@code ComparisonPlanner.mostInformative} picks the best
 * (query, pair) of a grid of queries and models ({@code POST /v1/elicit} serves it). Pure
 * functions, no state: serving and evaluation call them with the same inputs and get the same choice.
 */
package ai.metarouter.core.elicit;
