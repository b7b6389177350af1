package org.tinykv.txn.mvcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.MvccKey;
import org.tinykv.txn.types.Write;

/**
 * The modifications one command makes for one transaction, in user-key terms, buffered until the command
 * decides to write them all ({@link #modifies()}) or none. Reads do not see the buffer. Confined to one thread.
 */
public final class MvccTxn {
    private final long startTs;
    private final List<Modify> modifies = new ArrayList<>();

    /** A buffer for the transaction that started at {@code startTs}. */
    public MvccTxn(long startTs) {
        this.startTs = startTs;
    }

    /** The transaction's start timestamp. */
    public long startTs() {
        return startTs;
    }

    /** Stores {@code lock} on {@code key}. */
    public void putLock(byte[] key, Lock lock) {
        modifies.add(new Modify.Put(TxnCf.LOCK, MvccKey.lockKey(key), lock.toBytes()));
    }

    /** Removes the lock on {@code key}. */
    public void deleteLock(byte[] key) {
        modifies.add(new Modify.Delete(TxnCf.LOCK, MvccKey.lockKey(key)));
    }

    /** Stores {@code value} for {@code key} at the start timestamp. */
    public void putValue(byte[] key, byte[] value) {
        modifies.add(new Modify.Put(TxnCf.DEFAULT, MvccKey.encode(key, startTs), value));
    }

    /** Removes the value of {@code key} at the start timestamp. */
    public void deleteValue(byte[] key) {
        deleteValueAt(key, startTs);
    }

    /** Removes the value of {@code key} at {@code ts} (used by GC). */
    public void deleteValueAt(byte[] key, long ts) {
        modifies.add(new Modify.Delete(TxnCf.DEFAULT, MvccKey.encode(key, ts)));
    }

    /** Stores {@code write} for {@code key} at {@code ts}. */
    public void putWrite(byte[] key, long ts, Write write) {
        modifies.add(new Modify.Put(TxnCf.WRITE, MvccKey.encode(key, ts), write.toBytes()));
    }

    /** Removes the write record of {@code key} at {@code ts} (used by GC). */
    public void deleteWrite(byte[] key, long ts) {
        modifies.add(new Modify.Delete(TxnCf.WRITE, MvccKey.encode(key, ts)));
    }

    /** The buffered modifications, in order. */
    public List<Modify> modifies() {
        return Collections.unmodifiableList(modifies);
    }

    /** Whether nothing has been buffered. */
    public boolean isEmpty() {
        return modifies.isEmpty();
    }
}
