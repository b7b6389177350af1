package org.tinykv.wal.fs.mem;

import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A {@link FileSystem} held in memory that tracks what is durable, to simulate machine crashes in tests.
 *
 * <p>Durability model (POSIX, pessimistic): a file's bytes are durable up to its last {@link WritableFile#sync()};
 * the entries of a directory (files created, renamed or deleted in it) are durable as of its last
 * {@link #syncDir(Path)}; truncating an existing file with {@link #create(Path)} is durable at once. Directories
 * themselves are durable as soon as {@link #createDirectories(Path)} returns (a simplification). Reads always see
 * the current state, as reads through the page cache do.
 *
 * <p>{@link #crashClone()} returns the state a crash would leave; the original stays usable (its open files keep
 * writing to the original). Paths are made absolute and normalized, so relative paths name the same files as
 * their absolute forms. Locks taken with {@link #lock(Path)} are not carried into a clone.
 *
 * <p>Thread-safety: safe for concurrent use; open files are confined to one thread at a time, like all
 * {@link WritableFile}s, while {@link RandomAccessFile}s may be shared.
 */
public final class MemFileSystem implements FileSystem {

    private final MemDir root;
    private final Set<Path> held = new HashSet<>();

    /** Creates an empty file system holding only the root directory. */
    public MemFileSystem() {
        this(new MemDir());
    }

    private MemFileSystem(final MemDir root) {
        this.root = root;
    }

    /** Returns a copy holding only what was synced: file bytes and directory entries. */
    public MemFileSystem crashClone() {
        return crashClone(null, false, false);
    }

    /**
     * Returns a copy holding what was synced; if {@code tornTail}, each file also keeps a prefix of random length
     * (0 to all) of the bytes appended after its last sync, as a crash in the middle of a write would leave.
     */
    public MemFileSystem crashClone(final RandomGenerator rnd, final boolean tornTail) {
        return crashClone(rnd, tornTail, false);
    }

    /**
     * Like {@link #crashClone(RandomGenerator, boolean)}; if {@code keepUnsyncedEntries}, each directory also keeps,
     * at random, either its last synced entries or its current ones (the operating system may persist metadata
     * without being asked to).
     */
    public synchronized MemFileSystem crashClone(final RandomGenerator rnd, final boolean tornTail,
                                                 final boolean keepUnsyncedEntries) {
        if ((tornTail || keepUnsyncedEntries) && rnd == null) {
            throw new IllegalArgumentException("a random generator is needed for a torn crash");
        }
        final Map<Object, Object> copies = new IdentityHashMap<>();
        return new MemFileSystem(copyDir(root, tornTail ? rnd : null, keepUnsyncedEntries ? rnd : null, copies));
    }

    private static MemDir copyDir(final MemDir dir, final RandomGenerator bytes, final RandomGenerator entries,
                                  final Map<Object, Object> copies) {
        final MemDir copy = new MemDir();
        final boolean current = entries != null && entries.nextBoolean();
        final Map<String, Object> source = current ? dir.live : dir.durable;
        for (final Map.Entry<String, Object> e : source.entrySet()) {
            Object node = copies.get(e.getValue());
            if (node == null) {
                node = e.getValue() instanceof MemDir
                    ? copyDir((MemDir) e.getValue(), bytes, entries, copies)
                    : ((MemFile) e.getValue()).crashCopy(bytes);
                copies.put(e.getValue(), node);
            }
            copy.live.put(e.getKey(), node);
            copy.durable.put(e.getKey(), node);
        }
        return copy;
    }

    @Override
    public synchronized WritableFile create(final Path path) throws IOException {
        final Path p = normalize(path);
        final MemDir parent = parentDir(p);
        final String name = p.getFileName().toString();
        final Object existing = parent.live.get(name);
        if (existing instanceof MemDir) {
            throw new IOException("cannot create " + p + ": it is a directory");
        }
        final MemFile file;
        if (existing != null) {
            file = (MemFile) existing;
            file.truncate();
        } else {
            file = new MemFile();
            parent.live.put(name, file);
        }
        return new MemWritableFile(p.toString(), file, 0);
    }

    @Override
    public synchronized WritableFile openForAppend(final Path path) throws IOException {
        final Path p = normalize(path);
        final MemFile file = file(p);
        return new MemWritableFile(p.toString(), file, file.length());
    }

    @Override
    public synchronized RandomAccessFile openRandomAccess(final Path path) throws IOException {
        final Path p = normalize(path);
        return new MemRandomAccessFile(p.toString(), file(p));
    }

    @Override
    public synchronized boolean exists(final Path path) {
        return lookup(normalize(path)) != null;
    }

    @Override
    public synchronized long size(final Path path) throws IOException {
        return file(normalize(path)).length();
    }

    @Override
    public synchronized List<String> list(final Path dir) throws IOException {
        return new ArrayList<>(directory(normalize(dir)).live.keySet());
    }

    @Override
    public synchronized void createDirectories(final Path dir) throws IOException {
        final Path p = normalize(dir);
        MemDir current = root;
        for (final Path component : p) {
            final String name = component.toString();
            final Object next = current.live.get(name);
            if (next == null) {
                final MemDir created = new MemDir();
                current.live.put(name, created);
                current.durable.put(name, created);
                current = created;
            } else if (next instanceof MemDir) {
                current = (MemDir) next;
            } else {
                throw new IOException("cannot create directory " + p + ": " + name + " is a file");
            }
        }
    }

    @Override
    public synchronized void delete(final Path path) throws IOException {
        final Path p = normalize(path);
        final Object node = lookup(p);
        if (node == null) {
            return;
        }
        final MemDir parent = parentDir(p);
        final String name = p.getFileName().toString();
        if (node instanceof MemDir) {
            if (!((MemDir) node).live.isEmpty()) {
                throw new IOException("cannot delete " + p + ": directory not empty");
            }
            parent.durable.remove(name);
        }
        parent.live.remove(name);
    }

    @Override
    public synchronized void rename(final Path source, final Path target) throws IOException {
        final Path s = normalize(source);
        final Path t = normalize(target);
        final MemFile file = file(s);
        final MemDir targetParent = parentDir(t);
        final String targetName = t.getFileName().toString();
        if (targetParent.live.get(targetName) instanceof MemDir) {
            throw new IOException("cannot rename " + s + " to " + t + ": target is a directory");
        }
        parentDir(s).live.remove(s.getFileName().toString());
        targetParent.live.put(targetName, file);
    }

    @Override
    public synchronized void syncDir(final Path dir) throws IOException {
        final MemDir d = directory(normalize(dir));
        d.durable.clear();
        d.durable.putAll(d.live);
    }

    @Override
    public synchronized Closeable lock(final Path path) throws IOException {
        final Path p = normalize(path);
        if (lookup(p) == null) {
            parentDir(p).live.put(p.getFileName().toString(), new MemFile());
        }
        if (!held.add(p)) {
            throw new IOException("lock " + p + " is already held");
        }
        return () -> {
            synchronized (MemFileSystem.this) {
                held.remove(p);
            }
        };
    }

    private static Path normalize(final Path path) {
        return path.toAbsolutePath().normalize();
    }

    private Object lookup(final Path p) {
        Object current = root;
        for (final Path component : p) {
            if (!(current instanceof MemDir)) {
                return null;
            }
            current = ((MemDir) current).live.get(component.toString());
        }
        return current;
    }

    private MemDir directory(final Path p) throws IOException {
        final Object node = lookup(p);
        if (node instanceof MemDir) {
            return (MemDir) node;
        }
        throw new FileNotFoundException("no such directory: " + p);
    }

    private MemDir parentDir(final Path p) throws IOException {
        if (p.getParent() == null) {
            throw new IOException("no parent directory: " + p);
        }
        return directory(p.getParent());
    }

    private MemFile file(final Path p) throws IOException {
        final Object node = lookup(p);
        if (node instanceof MemFile) {
            return (MemFile) node;
        }
        throw new FileNotFoundException(node == null ? "no such file: " + p : "is a directory: " + p);
    }

    /** A directory: its current entries and the entries as of its last sync (values: MemFile or MemDir). */
    private static final class MemDir {
        final Map<String, Object> live = new TreeMap<>();
        final Map<String, Object> durable = new TreeMap<>();
    }

    /** An appender at a position of a {@link MemFile}. */
    private static final class MemWritableFile implements WritableFile {
        private final String name;
        private final MemFile file;
        private long position;
        private boolean closed;

        MemWritableFile(final String name, final MemFile file, final long position) {
            this.name = name;
            this.file = file;
            this.position = position;
        }

        @Override
        public void append(final byte[] source, final int offset, final int length) throws IOException {
            checkOpen();
            Objects.checkFromIndexSize(offset, length, source.length);
            file.write(position, source, offset, length);
            position += length;
        }

        @Override
        public void append(final ByteBuffer source) throws IOException {
            checkOpen();
            final byte[] copy = new byte[source.remaining()];
            source.get(copy);
            file.write(position, copy, 0, copy.length);
            position += copy.length;
        }

        @Override
        public void flush() throws IOException {
            checkOpen();
        }

        @Override
        public void sync() throws IOException {
            checkOpen();
            file.sync();
        }

        @Override
        public void preallocate(final long totalBytes) throws IOException {
            checkOpen();
            file.preallocate(totalBytes);
        }

        @Override
        public long size() {
            return position;
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException(name + " is closed");
            }
        }
    }

    /** Positional reads of a {@link MemFile}. */
    private static final class MemRandomAccessFile implements RandomAccessFile {
        private final String name;
        private final MemFile file;
        private volatile boolean closed;

        MemRandomAccessFile(final String name, final MemFile file) {
            this.name = name;
            this.file = file;
        }

        @Override
        public int read(final long position, final byte[] target, final int offset, final int length)
            throws IOException {
            checkOpen();
            Objects.checkFromIndexSize(offset, length, target.length);
            return file.read(position, target, offset, length);
        }

        @Override
        public int read(final long position, final ByteBuffer target) throws IOException {
            checkOpen();
            final byte[] copy = new byte[target.remaining()];
            final int n = file.read(position, copy, 0, copy.length);
            target.put(copy, 0, n);
            return n;
        }

        @Override
        public long size() throws IOException {
            checkOpen();
            return file.length();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            closed = true;
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException(name + " is closed");
            }
        }
    }
}
