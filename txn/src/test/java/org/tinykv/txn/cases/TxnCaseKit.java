package org.tinykv.txn.cases;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.txn.TxnApi;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.WriteEntry;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.MvccKey;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/**
 * A transactional API under test plus the engine it stores into, with helpers to seed raw MVCC state and check it
 * in user-key terms, and builders for the requests. The engine is used sequentially (seed, call, inspect), so any
 * engine whose reads see the completed writes will do, even one without real snapshots.
 */
public final class TxnCaseKit {
    private final TxnApi api;
    private final Engine engine;

    /** A kit driving {@code api}, which stores into {@code engine}; both must start empty. */
    public TxnCaseKit(TxnApi api, Engine engine) {
        this.api = api;
        this.engine = engine;
    }

    /** The API under test. */
    public TxnApi api() {
        return api;
    }

    /** The engine holding the API's state, for seeding and inspection. */
    public Engine engine() {
        return engine;
    }

    /** The bytes {@code bytes} (each taken modulo 256) as a key or value. */
    public static byte[] k(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    /** {@code b} as a ByteString. */
    public static ByteString bs(byte[] b) {
        return ByteString.copyFrom(b);
    }

    /**
     * Seeds a staged value of {@code key} at {@code startTs} in the default CF, where a value longer than a short
     * value is kept (and any value written by a store from before short values): the seeding helpers below all use
     * this layout, so that the cases read, commit, roll back and collect values in the default CF, while the values
     * the cases write through the API are kept inline.
     */
    public void value(byte[] key, long startTs, byte[] value) {
        engine.write(null, List.of(new Modify.Put(TxnCf.DEFAULT, MvccKey.encode(key, startTs), value)));
    }

    /** Seeds a write record of {@code key} at {@code commitTs}. */
    public void write(byte[] key, long commitTs, WriteKind kind, long startTs) {
        engine.write(null, List.of(new Modify.Put(TxnCf.WRITE, MvccKey.encode(key, commitTs),
                new Write(startTs, kind).toBytes())));
    }

    /** Seeds a lock on {@code key}. */
    public void lock(byte[] key, byte[] primary, long startTs, long ttl, LockKind kind) {
        engine.write(null, List.of(new Modify.Put(TxnCf.LOCK, MvccKey.lockKey(key),
                new Lock(primary, startTs, ttl, kind).toBytes())));
    }

    /** Seeds a committed put: value at startTs and a PUT write at commitTs. */
    public void committed(byte[] key, long startTs, long commitTs, byte[] value) {
        value(key, startTs, value);
        write(key, commitTs, WriteKind.PUT, startTs);
    }

    /** Seeds a committed put whose value is kept in its write record, as a short value is. */
    public void committedInline(byte[] key, long startTs, long commitTs, byte[] value) {
        engine.write(null, List.of(new Modify.Put(TxnCf.WRITE, MvccKey.encode(key, commitTs),
                new Write(startTs, WriteKind.PUT, value).toBytes())));
    }

    /** Seeds a prewritten put: value and lock at startTs. */
    public void prewritten(byte[] key, byte[] primary, long startTs, long ttl, byte[] value) {
        value(key, startTs, value);
        lock(key, primary, startTs, ttl, LockKind.PUT);
    }

    /** The number of entries stored in {@code cf}, counted through a snapshot. */
    public int count(TxnCf cf) {
        int n = 0;
        try (EngineSnapshot snap = engine.snapshot(null); EngineIterator it = snap.iterator(cf, null, null)) {
            for (it.seek(new byte[0]); it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    /** Asserts the number of entries in each column family. */
    public void assertLens(int dflt, int lock, int write) {
        assertEquals(dflt, count(TxnCf.DEFAULT), "default CF entries");
        assertEquals(lock, count(TxnCf.LOCK), "lock CF entries");
        assertEquals(write, count(TxnCf.WRITE), "write CF entries");
    }

    /** The stored value of raw (encoded) {@code rawKey} in {@code cf}, or null. */
    public byte[] raw(TxnCf cf, byte[] rawKey) {
        try (EngineSnapshot snap = engine.snapshot(null)) {
            return snap.get(cf, rawKey);
        }
    }

    /** The lock on {@code key}, or null. */
    public Lock lockOf(byte[] key) {
        byte[] v = raw(TxnCf.LOCK, MvccKey.lockKey(key));
        return v == null ? null : Lock.fromBytes(v);
    }

    /** The write record of {@code key} at {@code ts}, or null. */
    public Write writeAt(byte[] key, long ts) {
        byte[] v = raw(TxnCf.WRITE, MvccKey.encode(key, ts));
        return v == null ? null : Write.fromBytes(v);
    }

    /**
     * The value the transaction that started at {@code ts} wrote for {@code key}, wherever it is kept: in the
     * default CF at {@code ts}, or inline in the transaction's lock or put write record; null if none.
     */
    public byte[] valueAt(byte[] key, long ts) {
        byte[] staged = raw(TxnCf.DEFAULT, MvccKey.encode(key, ts));
        if (staged != null) {
            return staged;
        }
        Lock lock = lockOf(key);
        if (lock != null && lock.startTs() == ts) {
            return lock.shortValue();
        }
        try (EngineSnapshot snap = engine.snapshot(null); MvccReader reader = new MvccReader(snap)) {
            WriteEntry mine = reader.currentWrite(key, ts);
            return mine == null ? null : mine.write().shortValue();
        }
    }

    /** Asserts the write record of {@code key} at {@code ts}. */
    public void assertWrite(byte[] key, long ts, WriteKind kind, long startTs) {
        assertEquals(new Write(startTs, kind), writeAt(key, ts), "write of " + Arrays.toString(key));
    }

    /** Asserts the value the transaction that started at {@code ts} wrote for {@code key}. */
    public void assertValue(byte[] key, long ts, byte[] expected) {
        assertArrayEquals(expected, valueAt(key, ts));
    }

    /** A mutation. */
    public static Mutation mut(Op op, byte[] key, byte[] value) {
        return Mutation.newBuilder().setOp(op).setKey(bs(key)).setValue(bs(value)).build();
    }

    /** A prewrite request. */
    public static PrewriteRequest prewrite(long startTs, byte[] primary, long ttl, Mutation... muts) {
        return PrewriteRequest.newBuilder().setStartVersion(startTs).setPrimaryLock(bs(primary)).setLockTtl(ttl)
                .addAllMutations(List.of(muts)).build();
    }

    /** A commit request. */
    public static CommitRequest commit(long startTs, long commitTs, byte[]... keys) {
        return CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
                .addAllKeys(toBs(keys)).build();
    }

    /** A batch rollback request. */
    public static BatchRollbackRequest rollback(long startTs, byte[]... keys) {
        return BatchRollbackRequest.newBuilder().setStartVersion(startTs).addAllKeys(toBs(keys)).build();
    }

    /** A get request. */
    public static GetRequest get(byte[] key, long version) {
        return GetRequest.newBuilder().setKey(bs(key)).setVersion(version).build();
    }

    /** A scan request. */
    public static ScanRequest scan(byte[] start, int limit, long version) {
        return ScanRequest.newBuilder().setStartKey(bs(start)).setLimit(limit).setVersion(version).build();
    }

    /** A check-txn-status request. */
    public static CheckTxnStatusRequest check(byte[] primary, long lockTs, long currentTs) {
        return CheckTxnStatusRequest.newBuilder().setPrimaryKey(bs(primary)).setLockTs(lockTs)
                .setCurrentTs(currentTs).build();
    }

    /** A resolve-lock request. */
    public static ResolveLockRequest resolve(long startTs, long commitTs) {
        return ResolveLockRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs).build();
    }

    private static List<ByteString> toBs(byte[]... keys) {
        List<ByteString> out = new ArrayList<>();
        for (byte[] key : keys) {
            out.add(bs(key));
        }
        return out;
    }
}
