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
 * snapshot. Confined to one thread. Malformed stored bytes raise {@link MvccDecodeException}.
 */
public final class MvccReader {
    private final EngineSnapshot snapshot;

    /** A reader over {@code snapshot}. */
    public MvccReader(EngineSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** The snapshot read. */
    public EngineSnapshot snapshot() {
        return snapshot;
    }

    /** The lock on {@code key}, or {@code null}. */
    public Lock getLock(byte[] key) {
        byte[] v = snapshot.get(TxnCf.LOCK, MvccKey.lockKey(key));
        return v == null ? null : Lock.fromBytes(v);
    }

    /** The newest write of {@code key} keyed at or below {@code ts}, or {@code null}. */
    public WriteEntry seekWrite(byte[] key, long ts) {
        byte[] prefix = MemComparable.encodeBytes(key);
        try (EngineIterator it = snapshot.iterator(TxnCf.WRITE, prefix, null)) {
            it.seek(MvccKey.encode(key, ts));
            return it.valid() && isVersionOf(it.key(), prefix) ? entry(it) : null;
        }
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
        byte[] prefix = MemComparable.encodeBytes(key);
        try (EngineIterator it = snapshot.iterator(TxnCf.WRITE, prefix, null)) {
            for (it.seek(prefix); it.valid() && isVersionOf(it.key(), prefix); it.next()) {
                WriteEntry e = entry(it);
                if (TimeStamp.compare(e.commitTs(), startTs) < 0) {
                    return null;
                }
                if (e.write().startTs() == startTs) {
                    return e;
                }
            }
        }
        return null;
    }

    /** Every write of {@code key}, newest first. */
    public List<WriteEntry> allWrites(byte[] key) {
        byte[] prefix = MemComparable.encodeBytes(key);
        List<WriteEntry> out = new ArrayList<>();
        try (EngineIterator it = snapshot.iterator(TxnCf.WRITE, prefix, null)) {
            for (it.seek(prefix); it.valid() && isVersionOf(it.key(), prefix); it.next()) {
                out.add(entry(it));
            }
        }
        return out;
    }

    /**
     * The value of {@code key} visible at {@code ts}: the newest put or delete committed at or below {@code ts}
     * (rollback and lock records are skipped). {@code null} if deleted or never written. Ignores locks.
     */
    public byte[] getValue(byte[] key, long ts) {
        byte[] prefix = MemComparable.encodeBytes(key);
        try (EngineIterator it = snapshot.iterator(TxnCf.WRITE, prefix, null)) {
            for (it.seek(MvccKey.encode(key, ts)); it.valid() && isVersionOf(it.key(), prefix); it.next()) {
                Write w = Write.fromBytes(it.value());
                if (w.kind() == WriteKind.PUT) {
                    byte[] v = snapshot.get(TxnCf.DEFAULT, MvccKey.encode(key, w.startTs()));
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

    /** Whether {@code mvccKey} is a version of the user key whose encoding is {@code prefix}. */
    static boolean isVersionOf(byte[] mvccKey, byte[] prefix) {
        return mvccKey.length == prefix.length + MvccKey.TS_LENGTH
                && Arrays.equals(mvccKey, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static WriteEntry entry(EngineIterator it) {
        return new WriteEntry(MvccKey.decodeTs(it.key()), Write.fromBytes(it.value()));
    }
}
