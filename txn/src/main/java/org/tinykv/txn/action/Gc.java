package org.tinykv.txn.action;

import java.util.List;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.mvcc.WriteEntry;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.WriteKind;

/**
 * MVCC garbage collection of one user key at a safe point. A reader at any timestamp at or after the safe point
 * sees the newest put or delete committed at or below it (the "visible" version); everything older is
 * unreachable and is removed, as are rollback and lock records at or below the safe point and a visible delete
 * (with nothing older left, "deleted" and "absent" read the same). A visible put is kept. Versions above the safe
 * point and locks are never touched. Stateless.
 */
public final class Gc {
    private Gc() {
    }

    /** Buffers the removals for {@code key} in {@code txn}; returns the number of write records removed. */
    public static int apply(MvccTxn txn, MvccReader reader, byte[] key, long safePoint) {
        List<WriteEntry> writes = reader.allWrites(key);
        boolean visibleFound = false;
        int removed = 0;
        for (WriteEntry e : writes) {
            if (TimeStamp.compare(e.commitTs(), safePoint) > 0) {
                continue;
            }
            WriteKind kind = e.write().kind();
            if (!visibleFound && kind == WriteKind.PUT) {
                visibleFound = true;
                continue;
            }
            if (kind == WriteKind.DELETE) {
                visibleFound = true;
            }
            txn.deleteWrite(key, e.commitTs());
            if (kind == WriteKind.PUT && e.write().shortValue() == null) {
                txn.deleteValueAt(key, e.write().startTs());
            }
            removed++;
        }
        return removed;
    }
}
