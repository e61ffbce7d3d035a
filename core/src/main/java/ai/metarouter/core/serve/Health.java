package ai.metarouter.core.serve;

import ai.metarouter.core.serve.reload.ReloadStatus;

/**
 * The service's health, for {@code /healthz}.
 *
 * @param serving whether a verified version is being served (always, once started)
 * @param artifactVersion the version served
 * @param reload the reload status (a refused version shows here)
 * @param eventLogHealthy whether the last event-log write succeeded
 * @param usersInMemory users with a cached state
 * @param usersStored users with a stored record
 * @param stateDurable whether user states survive a restart (a state directory is configured)
 */
public record Health(boolean serving, int artifactVersion, ReloadStatus reload, boolean eventLogHealthy, int usersInMemory,
                     long usersStored, boolean stateDurable) {}
