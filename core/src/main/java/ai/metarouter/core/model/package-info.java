/**
 * The router model (method.md section 3), immutable parameter holders and the pure functions
 * that use them: the {@link ai.metarouter.core.model.OutcomePredictor} (expected quality and cost
 * per query and arm, arms as descriptors rather than output slots), the
 * {@link ai.metarouter.core.model.UtilityBasis} in which a user's utility is linear, the
 * permutation-invariant {@link ai.metarouter.core.model.PreferenceEncoder}, the
 * {@link ai.metarouter.core.model.MetaParameters}, the {@link ai.metarouter.core.model.Policy}, and
 * {@link ai.metarouter.core.model.MetaRouterModel}, which is what serving and evaluation call.
 * Parameters are exported as {@link ai.metarouter.core.model.NamedTensor} blocks for the artifact codec.
 */
package ai.metarouter.core.model;
