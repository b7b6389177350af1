package org.tinykv.txn.mvcc;

import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.TimeStamp;

/**
 * Snapshot point read (KvGet): a lock at or below the read timestamp, other than a read lock ({@code Op_Lock}),
 * blocks the read; newer locks are ignored. Stateless, thread-safe.
 */
public final class PointGetter {
    private PointGetter() {
    }

    /** Reads {@code key} at {@code ts}. */
    public static ReadResult get(MvccReader reader, byte[] key, long ts) {
        Lock lock = reader.getLock(key);
        if (blocks(lock, ts)) {
            return new ReadResult.Locked(key, lock);
        }
        byte[] v = reader.getValue(key, ts);
        return v == null ? new ReadResult.NotFound() : new ReadResult.Found(v);
    }

    /** Whether {@code lock} (possibly null) blocks a read at {@code ts}. */
    public static boolean blocks(Lock lock, long ts) {
        return lock != null && lock.kind() != LockKind.LOCK && TimeStamp.compare(lock.startTs(), ts) <= 0;
    }
}
