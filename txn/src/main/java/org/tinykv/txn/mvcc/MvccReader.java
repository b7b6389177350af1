package org.tinykv.txn.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.MemComparable;
import org.tinykv.txn.types.MvccDecodeException;
import org.tinykv.txn.types.MvccKey;
import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/**
 * Reads locks, write records and values of user keys from one {@link EngineSnapshot}. Does not own the
 * snapshot, but owns one write-CF iterator that every write lookup reuses (a command that checks many keys pays for
 * one engine iterator, not one per key); {@link #close()} releases it and must be called before the snapshot is
 * closed. Confined to one thread. Malformed stored bytes raise {@link MvccDecodeException}.
 */
public final class MvccReader implements AutoCloseable {
    private final EngineSnapshot snapshot;
    private EngineIterator writes;
    private byte[] lastKey;
    private byte[] lastEncoded;

    /** A reader over {@code snapshot}. */
    public MvccReader(EngineSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** The snapshot read. */
    public EngineSnapshot snapshot() {
        return snapshot;
    }

    /** Releases the reader's iterator; the reader must not be used afterwards. Idempotent. */
    @Override
    public void close() {
        if (writes != null) {
            writes.close();
            writes = null;
        }
    }

    /**
     * {@code EncodeBytes(key)}: the lock CF key and the version prefix in the write CF. Commands look the same key
     * up several times in a row, so the last encoding is remembered (keys are never modified by callers).
     */
    private byte[] encoded(byte[] key) {
        if (key != lastKey) {
            lastEncoded = MemComparable.encodeBytes(key);
            lastKey = key;
        }
        return lastEncoded;
    }

    /** The shared write-CF iterator, positioned at the first write key {@code >=} the version of {@code ts}. */
    private EngineIterator seekVersion(byte[] prefix, long ts) {
        if (writes == null) {
            writes = snapshot.iterator(TxnCf.WRITE, null, null);
        }
        writes.seek(MvccKey.withTs(prefix, ts));
        return writes;
    }

    /** The lock on {@code key}, or {@code null}. */
    public Lock getLock(byte[] key) {
        byte[] v = snapshot.get(TxnCf.LOCK, encoded(key));
        return v == null ? null : Lock.fromBytes(v);
    }

    /** The newest write of {@code key} keyed at or below {@code ts}, or {@code null}. */
    public WriteEntry seekWrite(byte[] key, long ts) {
        byte[] prefix = encoded(key);
        EngineIterator it = seekVersion(prefix, ts);
        return it.valid() && isVersionOf(it.key(), prefix) ? entry(it) : null;
    }

    /** The newest write of {@code key}, or {@code null}. */
    public WriteEntry mostRecentWrite(byte[] key) {
        return seekWrite(key, TimeStamp.MAX);
    }

    /**
     * The write made by the transaction that started at {@code startTs} (a commit or a rollback), or
     * {@code null} if it has none.
     */
    public WriteEntry currentWrite(byte[] key, long startTs) {
        byte[] prefix = encoded(key);
        for (EngineIterator it = seekVersion(prefix, TimeStamp.MAX); it.valid() && isVersionOf(it.key(), prefix);
                it.next()) {
            WriteEntry e = entry(it);
            if (TimeStamp.compare(e.commitTs(), startTs) < 0) {
                return null;
            }
            if (e.write().startTs() == startTs) {
                return e;
            }
        }
        return null;
    }

    /** Every write of {@code key}, newest first. */
    public List<WriteEntry> allWrites(byte[] key) {
        byte[] prefix = encoded(key);
        List<WriteEntry> out = new ArrayList<>();
        for (EngineIterator it = seekVersion(prefix, TimeStamp.MAX); it.valid() && isVersionOf(it.key(), prefix);
                it.next()) {
            out.add(entry(it));
        }
        return out;
    }

    /**
     * The value of {@code key} visible at {@code ts}: the newest put or delete committed at or below {@code ts}
     * (rollback and lock records are skipped). {@code null} if deleted or never written. Ignores locks.
     */
    public byte[] getValue(byte[] key, long ts) {
        byte[] prefix = encoded(key);
        for (EngineIterator it = seekVersion(prefix, ts); it.valid() && isVersionOf(it.key(), prefix); it.next()) {
            Write w = Write.fromBytes(it.value());
            if (w.kind() == WriteKind.PUT) {
                if (w.shortValue() != null) {
                    return w.shortValue();
                }
                byte[] v = snapshot.get(TxnCf.DEFAULT, MvccKey.withTs(prefix, w.startTs()));
                if (v == null) {
                    throw new MvccDecodeException("value missing in default CF for key "
                            + Arrays.toString(key) + " at start ts " + TimeStamp.toString(w.startTs()));
                }
                return v;
            }
            if (w.kind() == WriteKind.DELETE) {
                return null;
            }
        }
        return null;
    }

    /** A lock found by {@link #scanLocks}. */
    public record KeyLock(byte[] key, Lock lock) {
    }

    /** Every lock whose start timestamp is {@code startTs}, in key order. */
    public List<KeyLock> scanLocks(long startTs) {
        List<KeyLock> out = new ArrayList<>();
        try (EngineIterator it = snapshot.iterator(TxnCf.LOCK, null, null)) {
            for (it.seek(new byte[0]); it.valid(); it.next()) {
                Lock lock = Lock.fromBytes(it.value());
                if (lock.startTs() == startTs) {
                    out.add(new KeyLock(MvccKey.decodeLockKey(it.key()), lock));
                }
            }
        }
        return out;
    }

    /**
     * The locks of {@code startTs} at {@code candidates} (lock-CF keys, as {@link org.tinykv.txn.engine.LiveLocks}
     * holds them), in the candidates' order; a candidate outside the snapshot's range, or without such a lock in
     * it, is skipped.
     */
    public List<KeyLock> locksAmong(long startTs, List<byte[]> candidates) {
        List<KeyLock> out = new ArrayList<>();
        for (byte[] lockKey : candidates) {
            if (!snapshot.covers(lockKey)) {
                continue;
            }
            byte[] v = snapshot.get(TxnCf.LOCK, lockKey);
            if (v != null && Lock.startTsOf(v) == startTs) {
                out.add(new KeyLock(MvccKey.decodeLockKey(lockKey), Lock.fromBytes(v)));
            }
        }
        return out;
    }

    /** Whether {@code mvccKey} is a version of the user key whose encoding is {@code prefix}. */
    static boolean isVersionOf(byte[] mvccKey, byte[] prefix) {
        return mvccKey.length == prefix.length + MvccKey.TS_LENGTH
                && Arrays.equals(mvccKey, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static WriteEntry entry(EngineIterator it) {
        return new WriteEntry(MvccKey.decodeTs(it.key()), Write.fromBytes(it.value()));
    }
}
