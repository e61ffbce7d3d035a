package ai.metarouter.core.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real store with one injected failure: the first {@code write} whose path matches
 * {@code failOn} throws, as a publisher that dies at that point would stop. With
 * {@code failCleanup}, deleting fails too, which is what a killed process (no cleanup at all)
 * leaves behind. Every other operation goes to the real store.
 */
public final class FaultInjectingStore implements ArtifactStore {
    private final ArtifactStore delegate;
    private final Predicate<String> failOn;
    private final boolean failCleanup;
    private boolean fired;

    public FaultInjectingStore(ArtifactStore delegate, Predicate<String> failOn, boolean failCleanup) {
        this.delegate = delegate;
        this.failOn = failOn;
        this.failCleanup = failCleanup;
    }

    public boolean fired() {
        return fired;
    }

    private void maybeFail(String path) throws IOException {
        if (!fired && failOn.test(path)) {
            fired = true;
            throw new IOException("injected failure writing " + path);
        }
    }

    @Override public URI root() { return delegate.root(); }
    @Override public List<String> list(String dir) throws IOException { return delegate.list(dir); }
    @Override public boolean exists(String path) throws IOException { return delegate.exists(path); }
    @Override public byte[] read(String path) throws IOException { return delegate.read(path); }
    @Override public InputStream open(String path) throws IOException { return delegate.open(path); }

    @Override
    public void write(String path, byte[] content) throws IOException {
        maybeFail(path);
        delegate.write(path, content);
    }

    @Override
    public boolean createExclusive(String path, byte[] content) throws IOException {
        maybeFail(path);
        return delegate.createExclusive(path, content);
    }

    @Override public void mkdirs(String dir) throws IOException { delegate.mkdirs(dir); }

    @Override
    public void renameDirectory(String from, String to) throws IOException {
        maybeFail(to);
        delegate.renameDirectory(from, to);
    }

    @Override
    public void replaceAtomically(String path, String temporary, byte[] content) throws IOException {
        maybeFail(path);
        delegate.replaceAtomically(path, temporary, content);
    }

    @Override
    public void deleteRecursively(String path) throws IOException {
        if (failCleanup) throw new IOException("injected: process killed, no cleanup of " + path);
        delegate.deleteRecursively(path);
    }

    @Override public void close() throws IOException { delegate.close(); }
}
