package org.tinykv.lsm;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.wal.SyncPolicy;
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
    private final WriteBatch.RangeHandler applier = this::applyRange;
    /** The memtables the current leader applies to; only the leader touches it. */
    private Memtable[] applyMems;

    /** A waiting write (or an exclusive action when {@code batch} is null). */
    private static final class Writer {
        final WriteBatch batch;
        final boolean sync;
        /** Created on the first wait only: most writers of a lightly loaded Db lead at once. */
        Condition cond;
        boolean done;
        IOException error;

        Writer(final WriteBatch batch, final boolean sync) {
            this.batch = batch;
            this.sync = sync;
        }

        /** Waits for a signal. Requires: {@code mutex} held. */
        void await(final java.util.concurrent.locks.ReentrantLock mutex) {
            if (cond == null) {
                cond = mutex.newCondition();
            }
            cond.awaitUninterruptibly();
        }

        /** Wakes the writer if it waits. Requires: the mutex held. */
        void signal() {
            if (cond != null) {
                cond.signal();
            }
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
        final Writer w = new Writer(batch, sync);
        db.mutex.lock();
        try {
            writers.addLast(w);
            while (!w.done && writers.peekFirst() != w) {
                w.await(db.mutex);
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
        final Writer w = new Writer(null, false);
        db.mutex.lock();
        try {
            writers.addLast(w);
            while (writers.peekFirst() != w) {
                w.await(db.mutex);
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
            } finally {
                // also when the action throws an unchecked exception: the writers queued behind it must go on
                finishGroup(w, w, error);
            }
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
                ready.signal();
            }
            if (ready == last) {
                break;
            }
        }
        final Writer next = writers.peekFirst();
        if (next != null) {
            next.signal();
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
        final byte[] record;
        final int recordLength;
        if (last == leader) {
            record = leader.batch.buffer();
            recordLength = leader.batch.size();
        } else {
            record = new byte[(int) bytes + WriteBatch.HEADER];
            recordLength = record.length;
            int p = WriteBatch.HEADER;
            for (final Writer x : writers) {
                final int n = x.batch.size() - WriteBatch.HEADER;
                System.arraycopy(x.batch.buffer(), WriteBatch.HEADER, record, p, n);
                p += n;
                if (x == last) {
                    break;
                }
            }
        }
        Fixed.putLong(record, 0, firstSeq);
        Fixed.putInt(record, 8, count);
        final Memtable[] mems = db.mem;
        final boolean doSync = sync && db.options.syncPolicy() == SyncPolicy.EVERY_WRITE
            || db.options.syncPolicy() == SyncPolicy.INTERVAL && db.intervalSyncDue();
        db.mutex.unlock();
        try {
            db.log.add(record, 0, recordLength);
            if (doSync) {
                db.syncLog();
            }
            if (count > 0) {
                applyMems = mems;
                WriteBatch.decodeRanges(record, recordLength, "write batch", 0, applier);
            }
        } catch (final IOException e) {
            db.mutex.lock();
            db.setBackgroundError(e);
            throw e;
        }
        db.mutex.lock();
        db.versions.setLastSequence(firstSeq + count - 1);
        db.stats.bytesWritten.add(recordLength);
        db.stats.writeBatches.add(batches);
        db.stats.writeGroups.increment();
        return last;
    }

    /** Applies one decoded entry to {@link #applyMems} (the leader's memtables; leader only). */
    private void applyRange(final long seq, final ValueKind kind, final int cfId, final byte[] rec, final int keyOff,
                            final int keyLen, final int valueOff, final int valueLen) {
        applyMems[cfId].add(seq, kind, rec, keyOff, keyLen, rec, valueOff, valueLen);
        final CfObserver observer = db.observers[cfId];
        if (observer != null) {
            final byte[] key = Arrays.copyOfRange(rec, keyOff, keyOff + keyLen);
            switch (kind) {
                case PUT -> observer.put(key, Arrays.copyOfRange(rec, valueOff, valueOff + valueLen));
                case DELETE -> observer.delete(key);
                case RANGE_DELETE -> observer.deleteRange(key,
                    Arrays.copyOfRange(rec, valueOff, valueOff + valueLen));
            }
        }
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
            boolean full = false;
            boolean allEmpty = true;
            for (final Memtable m : db.mem) {
                if (m != null) {
                    full |= m.approximateMemoryBytes() >= db.options.memtableBytes();
                    allEmpty &= m.isEmpty();
                }
            }
            if (!forced && !full) {
                return;
            }
            if (forced && allEmpty) {
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
