package org.tinykv.wal.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The seam through which every byte of TinyKV's durable state is written and read.
 *
 * <p>Engines never touch {@code java.nio.file} directly: they receive a {@code FileSystem} through their options, so
 * that tests can run them on an in-memory file system that simulates a crash, or on one that injects faults.
 *
 * <p>Durability contract (the same as POSIX): data appended to a {@link WritableFile} is durable only after
 * {@link WritableFile#sync()} returns; a newly created, renamed or deleted directory entry is durable only after
 * {@link #syncDir(Path)} on its parent directory returns.
 *
 * <p>Thread-safety: implementations are safe for concurrent use; individual open files are not (see each type).
 */
public interface FileSystem {

    /** Creates {@code path}, truncating it if it exists, and opens it for appending. */
    WritableFile create(Path path) throws IOException;

    /**
     * Creates {@code path} (truncating it) for a log that is only appended to and read back by the log reader, which
     * reads a tail of zeros as the end of the log: an implementation may copy appends straight into a memory map of
     * a zero-filled region of the file. Appends are still handed to the operating system when they return (a flush
     * is then free), and only {@link WritableFile#sync()} makes them durable.
     */
    default WritableFile createLog(final Path path) throws IOException {
        return create(path);
    }

    /** Opens an existing file for appending at its end (used to reuse a preallocated or recycled file). */
    WritableFile openForAppend(Path path) throws IOException;

    /** Opens an existing file for positional reads. */
    RandomAccessFile openRandomAccess(Path path) throws IOException;

    /**
     * Opens an existing file that nobody writes, truncates or replaces while it is open (a table file), for
     * positional reads; an implementation may map it into memory. Reads past its size at open time return nothing.
     */
    default RandomAccessFile openImmutable(final Path path) throws IOException {
        return openRandomAccess(path);
    }

    /** Returns whether a file or directory exists at {@code path}. */
    boolean exists(Path path);

    /** Returns the size in bytes of the file at {@code path}. */
    long size(Path path) throws IOException;

    /** Returns the names (not paths) of the entries of directory {@code dir}, sorted. */
    List<String> list(Path dir) throws IOException;

    /** Creates {@code dir} and any missing parents; succeeds if it already exists. */
    void createDirectories(Path dir) throws IOException;

    /** Deletes the file at {@code path}; succeeds if it does not exist. */
    void delete(Path path) throws IOException;

    /**
     * Atomically replaces {@code target} with {@code source}. The rename is durable only after
     * {@link #syncDir(Path)} of the parent directory.
     */
    void rename(Path source, Path target) throws IOException;

    /** Makes the directory entries of {@code dir} (creations, renames, deletions) durable. */
    void syncDir(Path dir) throws IOException;

    /**
     * Takes an exclusive, process-wide lock on {@code path} (creating the file if needed), so that a second process
     * opening the same store fails fast. Closing the returned handle releases the lock.
     *
     * @throws IOException if the lock is held by another process or another open store of this process
     */
    Closeable lock(Path path) throws IOException;
}
