package org.tinykv.wal.record;

/**
 * What a {@link RecordReader} does when it meets a corrupt or incomplete fragment. Every corruption it meets is
 * either thrown as a {@link org.tinykv.wal.CorruptionException} or listed in
 * {@link RecordReader#skippedCorruptions()}, always with the file and the byte offset. A corrupt or torn record is
 * never returned as data, in any mode.
 */
public enum RecoveryMode {
    /**
     * The default for a WAL after a crash. A bad or incomplete record at the very end of the log is the tail torn by
     * the crash (it was never acknowledged as synced): it is dropped, reported in {@code skippedCorruptions}, and
     * reading ends. A bad record followed by any valid fragment is real corruption and is thrown.
     */
    TOLERATE_CORRUPTED_TAIL,
    /** Any corruption, including an incomplete record at the end of the file, is thrown. */
    ABSOLUTE_CONSISTENCY,
    /**
     * Reading stops at the first corruption, which is reported in {@code skippedCorruptions}; the records before it
     * are a consistent prefix of the log.
     */
    POINT_IN_TIME,
    /**
     * Corrupt fragments (and the incomplete records they belong to) are reported in {@code skippedCorruptions} and
     * skipped; reading resumes at the next valid fragment.
     */
    SKIP_ANY_CORRUPTED
}
