package org.tinykv.wal.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file open for positional reads.
 *
 * <p>Thread-safety: safe for concurrent reads from many threads; SST readers share one instance.
 */
public interface RandomAccessFile extends Closeable {

    /**
     * Reads up to {@code length} bytes at {@code position} into {@code target} at {@code offset}, fewer only at end
     * of file.
     *
     * @return the number of bytes read, 0 at or past the end of the file
     */
    int read(long position, byte[] target, int offset, int length) throws IOException;

    /**
     * Reads bytes at {@code position} into the remaining space of {@code target}, fewer only at end of file,
     * advancing its position.
     *
     * @return the number of bytes read, 0 at or past the end of the file
     */
    int read(long position, ByteBuffer target) throws IOException;

    /** Returns the current size of the file in bytes. */
    long size() throws IOException;

    /** Returns the path this file was opened with, for error messages. */
    String name();
}
