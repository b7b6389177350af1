package org.tinykv.wal.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real file system. Appends go through a small user-space buffer; {@link WritableFile#sync()} is
 * {@code fdatasync} (which POSIX defines to include a changed file size), directory syncs open the directory and
 * force it, as Lucene's {@code IOUtils.fsync(dir, true)} does.
 *
 * <p>Thread-safety: safe for concurrent use. This is the only class of TinyKV's engines that uses
 * {@code java.nio.file} and {@code FileChannel}.
 */
public final class OsFileSystem implements FileSystem {

    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    @Override
    public WritableFile create(final Path path) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        return new OsWritableFile(channel, 0);
    }

    /** A log appended through a memory map of zero-filled regions ({@link MappedLogFile}). */
    @Override
    public WritableFile createLog(final Path path) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return new MappedLogFile(path.toString(), channel);
    }

    @Override
    public WritableFile openForAppend(final Path path) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
        final long size = channel.size();
        channel.position(size);
        return new OsWritableFile(channel, size);
    }

    @Override
    public RandomAccessFile openRandomAccess(final Path path) throws IOException {
        return new OsRandomAccessFile(path.toString(), FileChannel.open(path, StandardOpenOption.READ));
    }

    /** Maps the file into memory (read-only) unless it is larger than one mapping can hold. */
    @Override
    public RandomAccessFile openImmutable(final Path path) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            if (channel.size() > MappedFiles.MAX_MAPPED_BYTES) {
                return new OsRandomAccessFile(path.toString(), channel);
            }
        } catch (final IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return MappedFiles.map(path.toString(), channel);
    }

    @Override
    public boolean exists(final Path path) {
        return Files.exists(path);
    }

    @Override
    public long size(final Path path) throws IOException {
        return Files.size(path);
    }

    @Override
    public List<String> list(final Path dir) throws IOException {
        final List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public void createDirectories(final Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public void delete(final Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void rename(final Path source, final Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void syncDir(final Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public Closeable lock(final Path path) throws IOException {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        final FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("lock " + path + " is already held by this process", e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("lock " + path + " is held by another process");
        }
        return () -> {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        };
    }

    /** Writes zeros over {@code [position, end)} of {@code channel} through {@code zeros} (whose contents are 0). */
    static void writeZeros(final FileChannel channel, final ByteBuffer zeros, final long position, final long end)
        throws IOException {
        long at = position;
        while (at < end) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
            while (zeros.hasRemaining()) {
                at += channel.write(zeros, at);
            }
        }
    }

    /** A buffered appender over a channel; confined to one thread at a time. */
    private static final class OsWritableFile implements WritableFile {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
        private long size;
        private long allocated;

        OsWritableFile(final FileChannel channel, final long size) {
            this.channel = channel;
            this.size = size;
            this.allocated = size;
        }

        @Override
        public void append(final byte[] source, final int offset, final int length) throws IOException {
            append(ByteBuffer.wrap(source, offset, length));
        }

        @Override
        public void append(final ByteBuffer source) throws IOException {
            final int length = source.remaining();
            if (length > buffer.remaining()) {
                flush();
                if (length >= buffer.capacity()) {
                    while (source.hasRemaining()) {
                        channel.write(source);
                    }
                    size += length;
                    return;
                }
            }
            buffer.put(source);
            size += length;
        }

        @Override
        public void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void sync() throws IOException {
            flush();
            channel.force(false);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void preallocate(final long totalBytes) throws IOException {
            long position = Math.max(allocated, channel.size());
            if (totalBytes <= position) {
                return;
            }
            writeZeros(channel, ByteBuffer.allocate((int) Math.min(WRITE_BUFFER_BYTES, totalBytes - position)),
                position, totalBytes);
            channel.force(true);
            allocated = totalBytes;
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                channel.close();
            }
        }
    }

    /** Positional reads over a channel; {@code FileChannel} positional reads are safe from many threads. */
    private static final class OsRandomAccessFile implements RandomAccessFile {
        private final String name;
        private final FileChannel channel;

        OsRandomAccessFile(final String name, final FileChannel channel) {
            this.name = name;
            this.channel = channel;
        }

        @Override
        public int read(final long position, final byte[] target, final int offset, final int length)
            throws IOException {
            return read(position, ByteBuffer.wrap(target, offset, length));
        }

        @Override
        public int read(final long position, final ByteBuffer target) throws IOException {
            int total = 0;
            while (target.hasRemaining()) {
                final int n = channel.read(target, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
