package org.tinykv.lsm;

/**
 * Options of one write.
 *
 * @param sync if true, the write is durable (its WAL record fsynced) when {@code write} returns
 */
public record WriteOptions(boolean sync) {
    /** A synced write. */
    public static final WriteOptions SYNC = new WriteOptions(true);
    /** A write that may be lost by a machine crash (but not by a process crash after it returns). */
    public static final WriteOptions NO_SYNC = new WriteOptions(false);
}
