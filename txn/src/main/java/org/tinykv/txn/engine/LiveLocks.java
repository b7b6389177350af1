package org.tinykv.txn.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.MvccDecodeException;

/**
 * The keys of the lock CF that hold a lock, with the lock's start timestamp, kept in memory by the engine as it
 * writes the lock CF. KvResolveLock reads its candidates here instead of iterating the lock CF, which keeps a
 * deleted lock as a tombstone until compaction: under load the lock CF's memtable holds one put and one tombstone
 * per transaction, and a full scan of it cost tens of milliseconds per call.
 *
 * <p>Contract with the engine that feeds it: every lock in the engine is here by the time a snapshot can see it,
 * and a key leaves only when its lock is deleted (or overwritten by something that is not a lock). A key may stay
 * after its lock is gone (an ingested file's deletions are not tracked), so readers confirm each candidate against
 * their snapshot. Keys are lock-CF keys as the transaction layer sees them ({@code EncodeBytes(userKey)}).
 *
 * <p>Thread-safety: one writer at a time (the engine's write path), any number of concurrent readers.
 */
public final class LiveLocks {
    private final ConcurrentSkipListMap<byte[], Long> startTsByKey =
            new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    /** Records that {@code key} now holds the encoded lock {@code record}; a record that is not a lock drops it. */
    public void put(byte[] key, byte[] record) {
        long startTs;
        try {
            startTs = Lock.startTsOf(record);
        } catch (MvccDecodeException e) {
            // a raw-API write of something that is not a lock: no transaction can resolve it
            startTsByKey.remove(key);
            return;
        }
        startTsByKey.put(key, startTs);
    }

    /** Records that the lock at {@code key} was deleted. */
    public void remove(byte[] key) {
        startTsByKey.remove(key);
    }

    /** Records that every lock in {@code [begin, endExclusive)} was deleted; a null end is unbounded. */
    public void removeRange(byte[] begin, byte[] endExclusive) {
        if (endExclusive == null) {
            startTsByKey.tailMap(begin).clear();
        } else if (Arrays.compareUnsigned(begin, endExclusive) < 0) {
            startTsByKey.subMap(begin, endExclusive).clear();
        }
    }

    /** The keys locked by the transaction that started at {@code startTs}, in key order; O(keys held). */
    public List<byte[]> keysOf(long startTs) {
        List<byte[]> keys = new ArrayList<>();
        for (Map.Entry<byte[], Long> e : startTsByKey.entrySet()) {
            if (e.getValue() == startTs) {
                keys.add(e.getKey());
            }
        }
        return keys;
    }

    /** Number of keys held (an upper bound on the live locks). */
    public int size() {
        return startTsByKey.size();
    }
}
