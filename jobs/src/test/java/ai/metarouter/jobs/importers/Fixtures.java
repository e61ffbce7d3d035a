package ai.metarouter.jobs.importers;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The hand-made RouterBench-format CSVs under src/test/resources/routerbench-mini. */
final class Fixtures {
    private Fixtures() {}

    static Path path(String relative) {
        URL url = Fixtures.class.getClassLoader().getResource("routerbench-mini/" + relative);
        if (url == null) throw new IllegalStateException("missing test resource routerbench-mini/" + relative);
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String mixed() {
        return path("mixed").toString();
    }

    static String bad(String name) {
        return path("bad/" + name).toString();
    }
}
