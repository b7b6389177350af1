package org.tinykv.lsm;

import java.io.IOException;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.record.RecordWriter;

/**
 * The Db's current WAL file (record format: docs/formats/wal.md). Every record is handed to the operating system
 * when {@link #add} returns (it survives a process crash); {@link #sync()} makes everything durable.
 *
 * <p>Before a sync the file is preallocated with durable zeros ahead of the write position, in steps of
 * {@link #PREALLOCATE_STEP}, so that the fdatasync of a synced write does not also have to persist a new file size.
 * The zero tail reads as the end of the log; a preallocated log is never reopened for appending (recovery always
 * starts a new log). Writes that never ask for a sync never pay for preallocation.
 *
 * <p>Thread-safety: confined to the write leader (or to a thread holding write leadership).
 */
final class WalFile implements AutoCloseable {

    /** Preallocation step ahead of a synced write. */
    static final long PREALLOCATE_STEP = 4L << 20;

    private final WritableFile file;
    private final RecordWriter writer;
    private long allocated;
    private long syncedOffset;

    WalFile(final WritableFile file) {
        this.file = file;
        this.writer = new RecordWriter(file);
        this.allocated = file.size();
        this.syncedOffset = writer.offset();
    }

    /** Appends one record and hands it to the operating system. */
    void add(final byte[] record, final int off, final int len) throws IOException {
        writer.addRecord(record, off, len);
        writer.flush();
    }

    /** Whether bytes were appended since the last sync. */
    boolean hasUnsynced() {
        return writer.offset() > syncedOffset;
    }

    /** Makes every appended record durable; a no-op when nothing was appended since the last sync. */
    void sync() throws IOException {
        final long end = writer.offset();
        if (end <= syncedOffset) {
            return;
        }
        if (end > allocated) {
            writer.flush();
            allocated = end + PREALLOCATE_STEP;
            file.preallocate(allocated);
        }
        writer.sync();
        syncedOffset = end;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
