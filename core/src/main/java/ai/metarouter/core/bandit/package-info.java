/**
 * Exploration: pure functions (in the style of Vowpal Wabbit's action-probability layer) from a
 * vector of candidate scores to a distribution and a seeded choice. Every choice comes with its
 * propensity, so each routing decision can be logged and later evaluated off-policy. The caller
 * derives the seed from the decision's event id ({@link ai.metarouter.core.featurize.StableHash#decisionSeed}),
 * which makes each decision replayable. Masked (removed) candidates always get probability 0.
 */
package ai.metarouter.core.bandit;
