package org.tinykv.wal.fs.fault;

import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a {@link FileSystem} and injects the faults of its {@link FaultRule}s: a matching operation throws an
 * {@link InjectedFaultException} before reaching the wrapped file system (so it has no effect), and reads of a
 * matching file see a flipped bit. Typically wraps a {@link org.tinykv.wal.fs.mem.MemFileSystem}, whose
 * {@code crashClone()} then shows what survived.
 *
 * <p>Thread-safety: safe for concurrent use; rules may be added and cleared while files are in use.
 */
public final class FaultInjectingFileSystem implements FileSystem {

    private final FileSystem delegate;
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final AtomicLong injected = new AtomicLong();

    /** Wraps {@code delegate}, with no rules yet. */
    public FaultInjectingFileSystem(final FileSystem delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Adds a rule; returns it, to read its {@link FaultRule#firedCount()} later. */
    public FaultRule addRule(final FaultRule rule) {
        rules.add(Objects.requireNonNull(rule, "rule"));
        return rule;
    }

    /** Removes every rule. */
    public void clearRules() {
        rules.clear();
    }

    /** How many faults were injected (failed operations and corrupted reads). */
    public long injectedCount() {
        return injected.get();
    }

    /** The wrapped file system. */
    public FileSystem delegate() {
        return delegate;
    }

    private void check(final OpKind op, final Path path) throws IOException {
        for (final FaultRule rule : rules) {
            if (rule.shouldFail(op, path)) {
                injected.incrementAndGet();
                throw new InjectedFaultException("injected fault (" + rule + ") on " + op + " " + path);
            }
        }
    }

    private void flipBits(final Path path, final long position, final byte[] target, final int offset,
                          final int count) {
        for (final FaultRule rule : rules) {
            if (rule.isBitFlip() && rule.matchesPath(path) && rule.flipOffset() >= position
                && rule.flipOffset() < position + count) {
                target[offset + (int) (rule.flipOffset() - position)] ^= (byte) (1 << rule.flipBit());
                rule.countFlip();
                injected.incrementAndGet();
            }
        }
    }

    @Override
    public WritableFile create(final Path path) throws IOException {
        check(OpKind.CREATE, path);
        return new FaultWritableFile(path, delegate.create(path));
    }

    @Override
    public WritableFile openForAppend(final Path path) throws IOException {
        check(OpKind.OPEN, path);
        return new FaultWritableFile(path, delegate.openForAppend(path));
    }

    @Override
    public RandomAccessFile openRandomAccess(final Path path) throws IOException {
        check(OpKind.OPEN, path);
        return new FaultRandomAccessFile(path, delegate.openRandomAccess(path));
    }

    @Override
    public boolean exists(final Path path) {
        return delegate.exists(path);
    }

    @Override
    public long size(final Path path) throws IOException {
        return delegate.size(path);
    }

    @Override
    public List<String> list(final Path dir) throws IOException {
        check(OpKind.LIST, dir);
        return delegate.list(dir);
    }

    @Override
    public void createDirectories(final Path dir) throws IOException {
        check(OpKind.CREATE_DIRECTORIES, dir);
        delegate.createDirectories(dir);
    }

    @Override
    public void delete(final Path path) throws IOException {
        check(OpKind.DELETE, path);
        delegate.delete(path);
    }

    @Override
    public void rename(final Path source, final Path target) throws IOException {
        for (final FaultRule rule : rules) {
            if (rule.shouldFail(OpKind.RENAME, source) || rule.shouldFail(OpKind.RENAME, target)) {
                injected.incrementAndGet();
                throw new InjectedFaultException("injected fault (" + rule + ") on RENAME " + source + " -> "
                    + target);
            }
        }
        delegate.rename(source, target);
    }

    @Override
    public void syncDir(final Path dir) throws IOException {
        check(OpKind.SYNC_DIR, dir);
        delegate.syncDir(dir);
    }

    @Override
    public Closeable lock(final Path path) throws IOException {
        check(OpKind.LOCK, path);
        return delegate.lock(path);
    }

    /** An I/O error injected by a rule, distinguishable from real ones in test assertions. */
    public static final class InjectedFaultException extends IOException {
        private static final long serialVersionUID = 1L;

        InjectedFaultException(final String message) {
            super(message);
        }
    }

    private final class FaultWritableFile implements WritableFile {
        private final Path path;
        private final WritableFile file;

        FaultWritableFile(final Path path, final WritableFile file) {
            this.path = path;
            this.file = file;
        }

        @Override
        public void append(final byte[] source, final int offset, final int length) throws IOException {
            check(OpKind.APPEND, path);
            file.append(source, offset, length);
        }

        @Override
        public void append(final ByteBuffer source) throws IOException {
            check(OpKind.APPEND, path);
            file.append(source);
        }

        @Override
        public void flush() throws IOException {
            check(OpKind.FLUSH, path);
            file.flush();
        }

        @Override
        public void sync() throws IOException {
            check(OpKind.SYNC, path);
            file.sync();
        }

        @Override
        public void preallocate(final long totalBytes) throws IOException {
            check(OpKind.PREALLOCATE, path);
            file.preallocate(totalBytes);
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private final class FaultRandomAccessFile implements RandomAccessFile {
        private final Path path;
        private final RandomAccessFile file;

        FaultRandomAccessFile(final Path path, final RandomAccessFile file) {
            this.path = path;
            this.file = file;
        }

        @Override
        public int read(final long position, final byte[] target, final int offset, final int length)
            throws IOException {
            check(OpKind.READ, path);
            final int n = file.read(position, target, offset, length);
            flipBits(path, position, target, offset, n);
            return n;
        }

        @Override
        public int read(final long position, final ByteBuffer target) throws IOException {
            check(OpKind.READ, path);
            final int start = target.position();
            final int n = file.read(position, target);
            if (n > 0 && target.hasArray()) {
                flipBits(path, position, target.array(), target.arrayOffset() + start, n);
            } else if (n > 0) {
                final byte[] copy = new byte[n];
                target.get(start, copy);
                flipBits(path, position, copy, 0, n);
                target.put(start, copy);
            }
            return n;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public String name() {
            return file.name();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
