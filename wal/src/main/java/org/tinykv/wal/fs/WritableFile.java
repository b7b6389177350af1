package org.tinykv.wal.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file open for appending. Appended bytes may sit in buffers of the process or of the operating system until
 * {@link #sync()}: only synced bytes are guaranteed to survive a crash.
 *
 * <p>Thread-safety: confined to one thread at a time (callers that share a file synchronize externally).
 */
public interface WritableFile extends Closeable {

    /** Appends {@code length} bytes of {@code source} starting at {@code offset}. */
    void append(byte[] source, int offset, int length) throws IOException;

    /** Appends the remaining bytes of {@code source}, advancing its position to its limit. */
    void append(ByteBuffer source) throws IOException;

    /** Pushes buffered bytes to the operating system (not a durability barrier). */
    void flush() throws IOException;

    /** Makes every byte appended so far durable, together with the file's size. */
    void sync() throws IOException;

    /** Returns the number of bytes appended so far, including bytes present when the file was opened. */
    long size();

    /**
     * Hint that the file will grow to {@code totalBytes}: an implementation may extend it with durable zeros beyond
     * {@link #size()}, so that a later {@link #sync()} does not have to make a new file size durable. Appends still
     * start at {@link #size()} and overwrite the zeros; {@link FileSystem#size} then reports the extended size.
     * The default does nothing. Readers of such a file must treat the zero tail as the end (the log format does).
     */
    default void preallocate(final long totalBytes) throws IOException {
    }
}
