/**
 * Per-user state that survives restarts. Each user with feedback has a {@link
 * ai.metarouter.core.serve.state.UserRecord}: the most recent feedback (bounded), the adapted
 * {@link ai.metarouter.core.model.UserState} and the artifact version and weights fingerprint it
 * was adapted with. Records live in a {@link ai.metarouter.core.serve.state.UserStore}: an H2
 * MVStore file under {@code --state-dir} ({@link ai.metarouter.core.serve.state.MvUserStore}), or a
 * bounded in-memory map without one. {@link ai.metarouter.core.serve.state.UserStates} keeps the
 * adapted states of recently active users in a bounded LRU cache in front of the store, and
 * re-adapts a state from its stored feedback whenever it was adapted by another model, so a state
 * written by an older artifact version is never read as if the new model had written it.
 */
package ai.metarouter.core.serve.state;
