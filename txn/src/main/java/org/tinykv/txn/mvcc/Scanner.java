package org.tinykv.txn.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.MemComparable;
import org.tinykv.txn.types.MvccKey;

/**
 * Snapshot range read (KvScan): walks the user keys that have a write or a lock, from a start key, in ascending
 * order, and reports each key that has a value at the read timestamp or is blocked by a lock, up to a limit.
 * Keys without a visible value are skipped and do not count toward the limit. Iteration ends where the
 * snapshot's region ends. Confined to one thread.
 */
public final class Scanner {
    private Scanner() {
    }

    /** One reported key: {@link ReadResult.Found} or {@link ReadResult.Locked}. */
    public record Item(byte[] key, ReadResult result) {
    }

    /** Scans at most {@code limit} items from {@code startKey} at {@code ts}. */
    public static List<Item> scan(MvccReader reader, byte[] startKey, int limit, long ts) {
        List<Item> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        byte[] start = MemComparable.encodeBytes(startKey);
        try (EngineIterator writes = reader.snapshot().iterator(TxnCf.WRITE, start, null);
             EngineIterator locks = reader.snapshot().iterator(TxnCf.LOCK, start, null)) {
            writes.seek(start);
            locks.seek(start);
            while (out.size() < limit) {
                byte[] w = writes.valid() ? MvccKey.encodedUserKey(writes.key()) : null;
                byte[] l = locks.valid() ? locks.key() : null;
                if (w == null && l == null) {
                    break;
                }
                byte[] cur = w == null ? l : l == null ? w : Arrays.compareUnsigned(w, l) <= 0 ? w : l;
                byte[] userKey = MemComparable.decodeFully(cur);
                Lock lock = null;
                if (l != null && Arrays.equals(l, cur)) {
                    lock = Lock.fromBytes(locks.value());
                    locks.next();
                }
                if (w != null && Arrays.equals(w, cur)) {
                    skipVersions(writes, userKey, cur);
                }
                if (PointGetter.blocks(lock, ts)) {
                    out.add(new Item(userKey, new ReadResult.Locked(userKey, lock)));
                    continue;
                }
                byte[] v = reader.getValue(userKey, ts);
                if (v != null) {
                    out.add(new Item(userKey, new ReadResult.Found(v)));
                }
            }
        }
        return out;
    }

    /** Moves {@code it} past every version of the user key encoded as {@code prefix}. */
    private static void skipVersions(EngineIterator it, byte[] userKey, byte[] prefix) {
        it.seek(MvccKey.encode(userKey, 0L));
        while (it.valid() && MvccReader.isVersionOf(it.key(), prefix)) {
            it.next();
        }
    }
}
