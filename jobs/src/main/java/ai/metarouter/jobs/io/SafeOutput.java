package ai.metarouter.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * All-or-nothing output of a job. The job writes everything under {@link #staging()}, a hidden
 * sibling of the target ({@code .<name>.staging-<pid>-<nanos>}; hidden because Hadoop and Spark
 * skip names starting with a dot), and {@link #commit()} renames it into place. A job that fails
 * before commit leaves no directory at the target that could be mistaken for complete output, and
 * {@link #close()} removes the staging directory. Use as
 * <pre>{@code
 * try (SafeOutput out = SafeOutput.begin(conf, "--output", uri, overwrite)) {
 *     write(out.staging());
 *     out.commit();
 * }}</pre>
 * An existing non-empty target is refused unless {@code overwrite} is set; when it is, the old
 * target is moved aside first and deleted only after the new one is in place. The rename is atomic
 * on HDFS and local file systems; on object stores (s3a) it is a copy, so a reader there may see a
 * partly renamed directory, but never one that a failed job left behind.
 */
public final class SafeOutput implements AutoCloseable {
    private final Configuration conf;
    private final Path target;
    private final Path staging;
    private final boolean overwrite;
    private boolean committed;

    private SafeOutput(Configuration conf, Path target, Path staging, boolean overwrite) {
        this.conf = conf;
        this.target = target;
        this.staging = staging;
        this.overwrite = overwrite;
    }

    /**
     * Prepares to write {@code uri}. {@code flagName} (e.g. {@code --output}) names the destination
     * in the error when it already holds data.
     *
     * @throws OutputExistsException when the target exists, is non-empty and {@code overwrite} is false
     */
    public static SafeOutput begin(Configuration conf, String flagName, String uri, boolean overwrite) {
        Path target = HadoopFiles.qualify(conf, uri);
        if (target.getParent() == null) throw new IllegalArgumentException(flagName + " " + uri + ": cannot write to a file system root");
        if (!overwrite && HadoopFiles.existsNonEmpty(conf, target)) {
            throw new OutputExistsException(flagName + " " + target + " already exists and is not empty (pass --overwrite to replace it)");
        }
        String suffix = ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path staging = new Path(target.getParent(), "." + target.getName() + ".staging-" + suffix);
        return new SafeOutput(conf, target, staging, overwrite);
    }

    /** Where the job writes; it does not exist yet (Spark writers refuse existing directories). */
    public Path staging() {
        return staging;
    }

    /** {@link #staging()} as a string URI for Spark writers. */
    public String stagingUri() {
        return staging.toString();
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /** Moves the staged output into place. */
    public void commit() {
        if (committed) throw new IllegalStateException("already committed: " + target);
        FileSystem fs = HadoopFiles.fileSystem(conf, target);
        try {
            if (!fs.exists(staging)) throw new IllegalStateException("nothing was written to " + staging);
            Path aside = null;
            if (fs.exists(target)) {
                if (!overwrite && HadoopFiles.existsNonEmpty(conf, target)) {
                    throw new OutputExistsException(target + " appeared while the job ran (pass --overwrite to replace it)");
                }
                aside = new Path(target.getParent(), "." + target.getName() + ".replaced-" + staging.getName());
                if (!fs.rename(target, aside)) throw new IOException("could not move the old " + target + " aside");
            }
            if (!fs.rename(staging, target)) {
                if (aside != null) fs.rename(aside, target);
                throw new IOException("could not rename " + staging + " to " + target);
            }
            committed = true;
            if (aside != null) fs.delete(aside, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit " + target + ": " + e.getMessage(), e);
        }
    }

    public boolean committed() {
        return committed;
    }

    /** Removes the staging directory unless the output was committed. */
    @Override
    public void close() {
        if (committed) return;
        try {
            FileSystem fs = HadoopFiles.fileSystem(conf, staging);
            if (fs.exists(staging)) fs.delete(staging, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + staging + ": " + e.getMessage(), e);
        }
    }

    /** The output location already holds data and overwriting was not asked for. */
    public static final class OutputExistsException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public OutputExistsException(String message) {
            super(message);
        }
    }
}
