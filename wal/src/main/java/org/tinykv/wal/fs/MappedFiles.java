package org.tinykv.wal.fs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Read-only memory maps of files that never change while open (SST files): a read is a copy out of the page cache
 * with no system call, no channel lock and no bounce through a temporary direct buffer.
 *
 * <p>A mapping is released at {@link MappedFile#close()} through the JDK's buffer cleaner, so that the disk space of
 * a deleted table is freed when its reader closes and not whenever the garbage collector gets to the buffer. Closing
 * while another thread still reads would fault, so owners close only after their last reader is done (TableReader
 * is reference counted). Where the cleaner is not reachable the mapping is left to the collector.
 *
 * <p>Failure mode: a flipped bit reads as data and fails the table's block checksum as before, but a mapped file
 * that shrinks under its reader (truncated or damaged outside TinyKV) or a device error makes the JVM raise an
 * asynchronous {@link InternalError} ("a fault occurred in an unsafe memory access operation") in the reading thread
 * instead of an {@link IOException}; the process survives. Table files are never truncated by TinyKV.
 *
 * <p>Thread-safety: reads use absolute positions only and are safe from many threads.
 */
final class MappedFiles {

    /** Files larger than one mapping can hold are read through the channel instead. */
    static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            final Class<?> c = Class.forName("sun.misc.Unsafe");
            final Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            invokeCleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (final ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invokeCleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private MappedFiles() {
    }

    /** Maps all of {@code channel} (whose size is at most {@link #MAX_MAPPED_BYTES}) and closes the channel. */
    static RandomAccessFile map(final String name, final FileChannel channel) throws IOException {
        try (channel) {
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return new MappedFile(name, buffer);
        }
    }

    /** Releases {@code buffer}'s mapping now; nobody may touch the buffer afterwards. */
    static void unmap(final MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (final ReflectiveOperationException | RuntimeException e) {
            // left to the garbage collector, as without a cleaner
        }
    }

    /** A mapped immutable file. */
    private static final class MappedFile implements RandomAccessFile {
        private final String name;
        private final MappedByteBuffer buffer;
        private final int size;
        private final AtomicBoolean closed = new AtomicBoolean();

        MappedFile(final String name, final MappedByteBuffer buffer) {
            this.name = name;
            this.buffer = buffer;
            this.size = buffer.capacity();
        }

        private void checkOpen() throws IOException {
            if (closed.get()) {
                throw new IOException(name + ": read after close");
            }
        }

        @Override
        public int read(final long position, final byte[] target, final int offset, final int length)
            throws IOException {
            checkOpen();
            if (position < 0 || offset < 0 || length < 0 || offset > target.length - length) {
                throw new IndexOutOfBoundsException("read of " + length + " bytes at " + position + " into "
                    + target.length + "-byte array at " + offset);
            }
            if (position >= size) {
                return 0;
            }
            final int n = (int) Math.min(length, size - position);
            buffer.get((int) position, target, offset, n);
            return n;
        }

        @Override
        public int read(final long position, final ByteBuffer target) throws IOException {
            checkOpen();
            if (position < 0) {
                throw new IndexOutOfBoundsException("read at " + position);
            }
            if (position >= size) {
                return 0;
            }
            final int n = (int) Math.min(target.remaining(), size - position);
            target.put(target.position(), buffer, (int) position, n);
            target.position(target.position() + n);
            return n;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                unmap(buffer);
            }
        }
    }
}
