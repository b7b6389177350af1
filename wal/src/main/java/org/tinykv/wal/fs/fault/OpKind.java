package org.tinykv.wal.fs.fault;

/** The file-system operations a {@link FaultRule} can match. */
public enum OpKind {
    /** {@code FileSystem.create}. */
    CREATE,
    /** {@code FileSystem.openForAppend} and {@code openRandomAccess}. */
    OPEN,
    /** {@code WritableFile.append}. */
    APPEND,
    /** {@code WritableFile.flush}. */
    FLUSH,
    /** {@code WritableFile.sync}. */
    SYNC,
    /** {@code WritableFile.preallocate}. */
    PREALLOCATE,
    /** {@code RandomAccessFile.read}. */
    READ,
    /** {@code FileSystem.list}. */
    LIST,
    /** {@code FileSystem.createDirectories}. */
    CREATE_DIRECTORIES,
    /** {@code FileSystem.delete}. */
    DELETE,
    /** {@code FileSystem.rename} (matches the source or the target path). */
    RENAME,
    /** {@code FileSystem.syncDir}. */
    SYNC_DIR,
    /** {@code FileSystem.lock}. */
    LOCK
}
