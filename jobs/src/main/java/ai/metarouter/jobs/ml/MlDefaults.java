package ai.metarouter.jobs.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

/**
 * The packaged conf/metarouter.conf (the jobs jar carries it under {@code metarouter-conf/}): the
 * Params' defaults are its {@code metarouter.train} and {@code metarouter.serve} values, written
 * down once for the command line, the server and the MLlib API.
 */
final class MlDefaults {
    private static final Config ROOT = ConfigFactory.parseResources(MlDefaults.class.getClassLoader(), "metarouter-conf/metarouter.conf",
            ConfigParseOptions.defaults().setAllowMissing(false)).resolve();

    private MlDefaults() {}

    /** The whole {@code metarouter} configuration as packaged. */
    static Config root() {
        return ROOT;
    }

    /** {@code metarouter.train}. */
    static Config train() {
        return ROOT.getConfig("metarouter.train");
    }

    /** {@code metarouter.serve}. */
    static Config serve() {
        return ROOT.getConfig("metarouter.serve");
    }
}
