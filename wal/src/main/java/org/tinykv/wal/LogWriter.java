package org.tinykv.wal;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.record.RecordWriter;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends records to one log file (format: docs/formats/wal.md) from many threads, with group commit.
 *
 * <p>Appends format the record into an in-memory buffer under a short lock and return the log offset just past
 * the record; the bytes are handed to the file right away unless a sync is running (then the next syncer or
 * appender writes them). {@link #syncTo(long)} returns once every byte up to an offset is durable: one caller
 * becomes the syncer and writes and fsyncs everything appended so far, the others wait on a condition and
 * return when the synced offset covers theirs, so N concurrent appenders cost far fewer than N fsyncs. The
 * {@link SyncPolicy} adds syncs of its own.
 *
 * <p>Failures: after any I/O error on the file the writer is failed; every later call throws an
 * {@link IOException} caused by the first error (an fsync that failed cannot be retried safely).
 *
 * <p>Thread-safety: safe for concurrent use. Ownership: the writer owns the file and closes it.
 */
public final class LogWriter implements Closeable {

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final WritableFile file;
    private final WalOptions options;
    private final NanoClock clock;
    private final long intervalNanos;

    /** Guards the pending buffer, the record writer, and the appended counters. */
    private final ReentrantLock appendLock = new ReentrantLock();
    private final PendingBuffer pending;
    private final RecordWriter records;
    private long appendedRecords;
    private boolean closed;

    /** Guards the file: writes of buffered bytes, preallocation, fsync. Taken before appendLock, never after. */
    private final ReentrantLock fileLock = new ReentrantLock();
    private byte[] spare;
    private long writtenOffset;
    private long writtenRecords;
    private long allocated;

    /** Guards the choice of the syncer and the synced state. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    private boolean syncing;
    private volatile long syncedOffset;
    private volatile long syncedRecords;
    private volatile long fsyncs;
    private volatile long lastSyncNanos;
    private volatile IOException failure;

    /** Creates a writer appending at the end of {@code file}, with the system nano clock. */
    public LogWriter(final WritableFile file, final WalOptions options) {
        this(file, options, SystemNanoClock.INSTANCE);
    }

    /** Creates a writer appending at the end of {@code file}; {@code clock} drives the INTERVAL policy. */
    public LogWriter(final WritableFile file, final WalOptions options, final NanoClock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.options = Objects.requireNonNull(options, "options").validate();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(options.syncIntervalMillis());
        final long start = file.size();
        final int capacity = Math.min(INITIAL_BUFFER, options.bufferBytes());
        this.pending = new PendingBuffer(start, capacity);
        this.records = new RecordWriter(pending);
        this.spare = new byte[capacity];
        this.writtenOffset = start;
        this.allocated = start;
        this.syncedOffset = start;
        this.lastSyncNanos = clock.nanoTime();
    }

    /**
     * Appends one record; under {@link SyncPolicy#EVERY_WRITE} it is durable when this returns.
     *
     * @return the log offset just past the record, to pass to {@link #syncTo(long)}
     */
    public long append(final byte[] record, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, record.length);
        final long end;
        final boolean overflow;
        appendLock.lock();
        try {
            checkUsable();
            records.addRecord(record, offset, length);
            appendedRecords++;
            end = pending.size();
            overflow = pending.count() >= options.bufferBytes();
        } finally {
            appendLock.unlock();
        }
        if (overflow) {
            fileLock.lock();
            try {
                writeOut();
            } finally {
                fileLock.unlock();
            }
        } else if (fileLock.tryLock()) {
            try {
                writeOut();
            } finally {
                fileLock.unlock();
            }
        }
        switch (options.syncPolicy()) {
            case EVERY_WRITE:
                syncTo(end);
                break;
            case INTERVAL:
                if (clock.nanoTime() - lastSyncNanos >= intervalNanos) {
                    sync(end, false);
                }
                break;
            default:
                break;
        }
        return end;
    }

    /** Appends a record and, if {@code sync}, waits until it is durable; returns the offset just past it. */
    public long appendAndSync(final byte[] record, final int offset, final int length, final boolean sync)
        throws IOException {
        final long end = append(record, offset, length);
        if (sync) {
            syncTo(end);
        }
        return end;
    }

    /**
     * Returns once every byte of the log up to {@code endOffset} is durable. Concurrent callers are joined: one
     * fsync covers every record appended before it started.
     *
     * <p>Requires: {@code endOffset} was returned by {@link #append} (or is smaller).
     */
    public void syncTo(final long endOffset) throws IOException {
        sync(endOffset, true);
    }

    /** Hands every appended byte to the operating system (not a durability barrier). */
    public void flush() throws IOException {
        fileLock.lock();
        try {
            writeOut();
            file.flush();
        } catch (IOException e) {
            throw fail(e);
        } finally {
            fileLock.unlock();
        }
    }

    /** The log offset up to which every byte is durable. */
    public long syncedOffset() {
        return syncedOffset;
    }

    /** The log offset just past the last appended record. */
    public long appendedOffset() {
        appendLock.lock();
        try {
            return pending.size();
        } finally {
            appendLock.unlock();
        }
    }

    /** The number of fsyncs done by this writer. */
    public long fsyncCount() {
        return fsyncs;
    }

    /** The number of records appended by this writer. */
    public long recordCount() {
        appendLock.lock();
        try {
            return appendedRecords;
        } finally {
            appendLock.unlock();
        }
    }

    /** The number of records made durable by this writer's fsyncs. */
    public long syncedRecordCount() {
        return syncedRecords;
    }

    /** Records made durable per fsync so far (0 before the first fsync): the group commit factor. */
    public double recordsPerFsync() {
        final long n = fsyncs;
        return n == 0 ? 0 : (double) syncedRecords / n;
    }

    /**
     * Stops appends, writes out buffered records, syncs them unless the policy is {@link SyncPolicy#NEVER}, and
     * closes the file. Idempotent.
     */
    @Override
    public void close() throws IOException {
        final long end;
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            end = pending.size();
        } finally {
            appendLock.unlock();
        }
        try {
            if (failure == null) {
                if (options.syncPolicy() == SyncPolicy.NEVER) {
                    flush();
                } else {
                    sync(end, true);
                }
            }
        } finally {
            fileLock.lock();
            try {
                file.close();
            } finally {
                fileLock.unlock();
            }
        }
    }

    private void sync(final long endOffset, final boolean wait) throws IOException {
        if (endOffset <= syncedOffset) {
            return;
        }
        syncLock.lock();
        try {
            while (true) {
                if (endOffset <= syncedOffset) {
                    return;
                }
                checkFailure();
                if (!syncing) {
                    syncing = true;
                    break;
                }
                if (!wait) {
                    return;
                }
                syncDone.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a sync of the log");
        } finally {
            syncLock.unlock();
        }
        runSync();
    }

    /** Writes out and fsyncs everything appended so far; called by the one thread that set {@code syncing}. */
    private void runSync() throws IOException {
        lastSyncNanos = clock.nanoTime();
        long target = 0;
        long targetRecords = 0;
        IOException error = null;
        fileLock.lock();
        try {
            writeOut();
            target = writtenOffset;
            targetRecords = writtenRecords;
            file.sync();
        } catch (IOException e) {
            error = e;
        } catch (RuntimeException | Error e) {
            error = new IOException("log sync failed", e);
        } finally {
            fileLock.unlock();
        }
        syncLock.lock();
        try {
            syncing = false;
            if (error == null) {
                syncedOffset = Math.max(syncedOffset, target);
                syncedRecords = Math.max(syncedRecords, targetRecords);
                fsyncs++;
            } else {
                failure = failure == null ? error : failure;
            }
            syncDone.signalAll();
        } finally {
            syncLock.unlock();
        }
        if (error != null) {
            throw error;
        }
    }

    /** Hands the buffered bytes to the file. Requires: fileLock held. */
    private void writeOut() throws IOException {
        checkFailure();
        final byte[] out;
        final int count;
        final long records;
        appendLock.lock();
        try {
            count = pending.count();
            if (count == 0) {
                return;
            }
            records = appendedRecords;
            out = pending.swap(spare);
        } finally {
            appendLock.unlock();
        }
        try {
            final long step = options.preallocateBytes();
            if (step > 0 && writtenOffset + count > allocated) {
                allocated = ((writtenOffset + count) / step + 1) * step;
                file.preallocate(allocated);
            }
            file.append(out, 0, count);
        } catch (IOException e) {
            throw fail(e);
        }
        spare = out;
        writtenOffset += count;
        writtenRecords = records;
    }

    private IOException fail(final IOException e) {
        syncLock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            syncDone.signalAll();
        } finally {
            syncLock.unlock();
        }
        return e;
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IOException("log writer is closed");
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        final IOException f = failure;
        if (f != null) {
            throw new IOException("log writer failed earlier: " + f.getMessage(), f);
        }
    }
}
