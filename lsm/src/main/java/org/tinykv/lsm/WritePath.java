package org.tinykv.lsm;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.wal.codec.Fixed;

/**
 * The write path: a queue of writers whose head (the leader) commits a group of batches as one WAL record, syncs
 * once if any of them asked for it, applies them to the memtables and publishes the last sequence number.
 * Memtables are inserted into by the leader only. The leader also switches memtables and stalls (waits) when
 * immutable memtables or level-0 files are over their limits.
 *
 * <p>Thread-safety: safe; all state is guarded by the Db's mutex except what the leader owns while leading.
 */
final class WritePath {

    private static final int MAX_GROUP_BYTES = 1 << 20;

    private final Db db;
    private final ArrayDeque<Writer> writers = new ArrayDeque<>();

    /** A waiting write (or an exclusive action when {@code batch} is null). */
    private static final class Writer {
        final WriteBatch batch;
        final boolean sync;
        final Condition cond;
        boolean done;
        IOException error;

        Writer(final WriteBatch batch, final boolean sync, final Condition cond) {
            this.batch = batch;
            this.sync = sync;
            this.cond = cond;
        }
    }

    /** An action run while holding write leadership. */
    interface Exclusive {
        void run() throws IOException;
    }

    WritePath(final Db db) {
        this.db = db;
    }

    void write(final WriteBatch batch, final boolean sync) throws IOException {
        final Writer w = new Writer(batch, sync, db.mutex.newCondition());
        db.mutex.lock();
        try {
            writers.addLast(w);
            while (!w.done && writers.peekFirst() != w) {
                w.cond.awaitUninterruptibly();
            }
            if (w.done) {
                if (w.error != null) {
                    throw w.error;
                }
                return;
            }
            Writer last = w;
            IOException error = null;
            try {
                makeRoomForWrite(false);
                last = commitGroup(w);
            } catch (final IOException e) {
                error = e;
            }
            finishGroup(w, last, error);
            if (error != null) {
                throw error;
            }
        } finally {
            db.mutex.unlock();
        }
    }

    /** Runs {@code action} (with the mutex released) while no write is in progress. */
    void runExclusive(final Exclusive action, final boolean switchMemtables) throws IOException {
        final Writer w = new Writer(null, false, db.mutex.newCondition());
        db.mutex.lock();
        try {
            writers.addLast(w);
            while (writers.peekFirst() != w) {
                w.cond.awaitUninterruptibly();
            }
            IOException error = null;
            try {
                if (switchMemtables) {
                    makeRoomForWrite(true);
                }
                if (action != null) {
                    db.mutex.unlock();
                    try {
                        action.run();
                    } finally {
                        db.mutex.lock();
                    }
                }
            } catch (final IOException e) {
                error = e;
            }
            finishGroup(w, w, error);
            if (error != null) {
                throw error;
            }
        } finally {
            db.mutex.unlock();
        }
    }

    private void finishGroup(final Writer first, final Writer last, final IOException error) {
        while (true) {
            final Writer ready = writers.pollFirst();
            if (ready != first) {
                ready.error = error;
                ready.done = true;
                ready.cond.signal();
            }
            if (ready == last) {
                break;
            }
        }
        final Writer next = writers.peekFirst();
        if (next != null) {
            next.cond.signal();
        }
    }

    /** Called by the leader with the mutex held; returns the last writer of the group. */
    private Writer commitGroup(final Writer leader) throws IOException {
        Writer last = leader;
        long bytes = 0;
        int count = 0;
        boolean sync = false;
        int batches = 0;
        for (final Writer x : writers) {
            if (x.batch == null) {
                break;
            }
            if (x != leader && bytes + x.batch.size() > MAX_GROUP_BYTES) {
                break;
            }
            bytes += x.batch.size() - WriteBatch.HEADER;
            count += x.batch.count();
            sync |= x.sync;
            batches++;
            last = x;
        }
        final long firstSeq = db.versions.lastSequence() + 1;
        final byte[] record = new byte[(int) bytes + WriteBatch.HEADER];
        Fixed.putLong(record, 0, firstSeq);
        Fixed.putInt(record, 8, count);
        int p = WriteBatch.HEADER;
        for (final Writer x : writers) {
            final int n = x.batch.size() - WriteBatch.HEADER;
            System.arraycopy(x.batch.buffer(), WriteBatch.HEADER, record, p, n);
            p += n;
            if (x == last) {
                break;
            }
        }
        final Memtable[] mems = db.mem.clone();
        final boolean doSync = sync && db.options.syncPolicy() != org.tinykv.wal.SyncPolicy.NEVER;
        db.mutex.unlock();
        try {
            db.log.addRecord(record, 0, record.length);
            if (doSync) {
                db.log.sync();
                db.stats.fsyncs.increment();
            } else {
                db.log.flush();
            }
            if (count > 0) {
                WriteBatch.decode(record, "write batch", 0, (seq, kind, cfId, key, value) ->
                    applyTo(mems, seq, kind, cfId, key, value));
            }
        } catch (final IOException e) {
            db.mutex.lock();
            db.setBackgroundError(e);
            throw e;
        }
        db.mutex.lock();
        db.versions.setLastSequence(firstSeq + count - 1);
        db.stats.bytesWritten.add(record.length);
        db.stats.writeBatches.add(batches);
        db.stats.writeGroups.increment();
        return last;
    }

    private static void applyTo(final Memtable[] mems, final long seq, final ValueKind kind, final int cfId,
                                final byte[] key, final byte[] value) {
        final Memtable m = mems[cfId];
        if (m == null) {
            throw new IllegalArgumentException("column family " + Cf.fromId(cfId) + " is not open");
        }
        m.add(seq, kind, key, value);
    }

    /** Ensures room in the memtables (mutex held), switching them if full or if {@code force}. */
    void makeRoomForWrite(final boolean force) throws IOException {
        boolean delayed = false;
        boolean forced = force;
        while (true) {
            db.checkOpen();
            final int l0 = db.maxL0Files();
            if (!forced && !delayed && l0 >= db.options.l0SlowdownTrigger()) {
                db.stats.writeStalls.increment();
                db.mutex.unlock();
                try {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                } finally {
                    db.mutex.lock();
                }
                delayed = true;
                continue;
            }
            final boolean full = Arrays.stream(db.mem).anyMatch(m -> m != null
                && m.approximateMemoryBytes() >= db.options.memtableBytes());
            if (!forced && !full) {
                return;
            }
            if (forced && Arrays.stream(db.mem).allMatch(m -> m == null || m.isEmpty())) {
                return;
            }
            if (db.imm.size() >= db.options.maxImmutableMemtables()) {
                db.stats.writeStalls.increment();
                db.background.maybeScheduleFlush();
                db.changed.awaitUninterruptibly();
                continue;
            }
            if (!forced && l0 >= db.options.l0StopTrigger()) {
                db.stats.writeStalls.increment();
                db.background.maybeScheduleCompaction();
                db.changed.awaitUninterruptibly();
                continue;
            }
            db.switchMemtables();
            forced = false;
            if (force) {
                return;
            }
        }
    }
}
