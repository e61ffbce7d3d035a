/**
 * The artifact version being served and how it changes: {@link
 * ai.metarouter.core.serve.reload.VersionLoader} turns a registry version into a {@link
 * ai.metarouter.core.serve.reload.ServingVersion} only after full verification (checksums, format
 * versions, the model mapping, a probe routing); {@link ai.metarouter.core.serve.reload.ModelWatcher}
 * polls {@code LATEST} and swaps a verified version in with one volatile write, so requests in
 * flight finish on the version they started with and none fails. A version that fails
 * verification is refused, the old one keeps serving, and {@link
 * ai.metarouter.core.serve.reload.ReloadStatus} says so (for {@code /healthz} and {@code /metrics}).
 */
package ai.metarouter.core.serve.reload;
