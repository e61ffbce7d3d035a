package ai.metarouter.core.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link ArtifactStore} on a local (or locally mounted) file system through {@code java.nio}.
 *
 * <p>Atomicity: exclusive create is {@code O_CREAT|O_EXCL} ({@link StandardOpenOption#CREATE_NEW});
 * replace is write-fsync-{@link StandardCopyOption#ATOMIC_MOVE} (POSIX {@code rename(2)}), so
 * readers of LATEST see the old or the new pointer. A directory rename is one {@code rename(2)}
 * after an existence check; two publishers cannot race for the same target because each holds
 * the exclusive claim of its number first. Files are fsynced before a rename makes them visible,
 * and the parent directory after, so a committed version survives a power cut. Network file
 * systems that do not honour {@code O_EXCL} (old NFS) do not give these guarantees.
 */
public final class LocalArtifactStore implements ArtifactStore {
    private final Path root;
    private final URI rootUri;

    public LocalArtifactStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        // Path.toUri() ends in '/' only if the directory exists right now; one registry should
        // have one URI in messages whether or not it has been created yet.
        String uri = this.root.toUri().toString();
        this.rootUri = URI.create(uri.endsWith("/") && this.root.getParent() != null ? uri.substring(0, uri.length() - 1) : uri);
    }

    @Override
    public URI root() {
        return rootUri;
    }

    @Override
    public List<String> list(String dir) throws IOException {
        Path d = resolve(dir);
        if (!Files.isDirectory(d)) return List.of();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(d)) {
            for (Path child : children) names.add(child.getFileName().toString());
        } catch (NoSuchFileException e) {
            return List.of(); // deleted between the check and the listing
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public byte[] read(String path) throws IOException {
        return Files.readAllBytes(resolve(path));
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(resolve(path));
    }

    @Override
    public void write(String path, byte[] content) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        writeDurably(p, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public boolean createExclusive(String path, byte[] content) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        try {
            writeDurably(p, content, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        fsyncDirectory(p.getParent());
        return true;
    }

    @Override
    public void mkdirs(String dir) throws IOException {
        Files.createDirectories(resolve(dir));
    }

    @Override
    public void renameDirectory(String from, String to) throws IOException {
        Path source = resolve(from);
        Path target = resolve(to);
        if (!Files.isDirectory(source)) throw new NoSuchFileException(source.toString(), null, "no such directory");
        // Not ATOMIC_MOVE: with it, rename(2) would silently replace an existing *empty* target.
        // Without options Files.move refuses any existing target (FileAlreadyExistsException) and
        // then performs a single rename(2), which is atomic within one file system.
        Files.move(source, target);
        fsyncDirectory(target.getParent());
        fsyncDirectory(source.getParent());
    }

    @Override
    public void replaceAtomically(String path, String temporary, byte[] content) throws IOException {
        Path target = resolve(path);
        Path temp = resolve(temporary);
        Files.createDirectories(temp.getParent());
        Files.createDirectories(target.getParent());
        writeDurably(temp, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        fsyncDirectory(target.getParent());
    }

    @Override
    public void deleteRecursively(String path) throws IOException {
        Path p = resolve(path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) throw failure;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() {
        // Nothing to release: every operation opens and closes its own channel.
    }

    @Override
    public String toString() {
        return "LocalArtifactStore[" + rootUri + "]";
    }

    private Path resolve(String relative) {
        return root.resolve(ArtifactStore.checkRelativePath(relative));
    }

    private static void writeDurably(Path p, byte[] content, StandardOpenOption... options) throws IOException {
        List<StandardOpenOption> opts = new ArrayList<>(List.of(options));
        opts.add(StandardOpenOption.WRITE);
        try (FileChannel ch = FileChannel.open(p, opts.toArray(new StandardOpenOption[0]))) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
    }

    /**
     * Makes a rename or create in {@code dir} durable. Best effort: some platforms cannot open a
     * directory for syncing, and there the rename is still atomic, only not yet durable.
     */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UncheckedIOException e) {
            // Not supported here (e.g. Windows); see the method comment.
        }
    }
}
