package ai.metarouter.jobs.importers;

import java.io.Serializable;

/**
 * One RouterBench CSV to import.
 *
 * @param uri fully qualified path (Hadoop URI) the reader opens
 * @param name file name, as written to the quarantine and the report
 * @param split {@code train} or {@code test}, from the file name
 */
public record InputFile(String uri, String name, String split) implements Serializable {
    public InputFile {
        if (!"train".equals(split) && !"test".equals(split)) {
            throw new IllegalArgumentException(name + ": split must be train or test, got " + split);
        }
    }
}
