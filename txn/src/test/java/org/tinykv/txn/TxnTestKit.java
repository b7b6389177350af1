package org.tinykv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
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
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.latch.Latches;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.MvccKey;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/** A MemEngine plus commands, with helpers to seed raw MVCC state and check it, in user-key terms. */
final class TxnTestKit {
    final MemEngine engine = new MemEngine();
    final TxnCommands cmds = new TxnCommands(engine, new Latches(64));

    static byte[] k(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    static ByteString bs(byte[] b) {
        return ByteString.copyFrom(b);
    }

    void value(byte[] key, long startTs, byte[] value) {
        engine.write(null, List.of(new Modify.Put(TxnCf.DEFAULT, MvccKey.encode(key, startTs), value)));
    }

    void write(byte[] key, long commitTs, WriteKind kind, long startTs) {
        engine.write(null, List.of(new Modify.Put(TxnCf.WRITE, MvccKey.encode(key, commitTs),
                new Write(startTs, kind).toBytes())));
    }

    void lock(byte[] key, byte[] primary, long startTs, long ttl, LockKind kind) {
        engine.write(null, List.of(new Modify.Put(TxnCf.LOCK, MvccKey.lockKey(key),
                new Lock(primary, startTs, ttl, kind).toBytes())));
    }

    /** Committed put: value at startTs and a PUT write at commitTs. */
    void committed(byte[] key, long startTs, long commitTs, byte[] value) {
        value(key, startTs, value);
        write(key, commitTs, WriteKind.PUT, startTs);
    }

    /** Prewritten put: value and lock at startTs. */
    void prewritten(byte[] key, byte[] primary, long startTs, long ttl, byte[] value) {
        value(key, startTs, value);
        lock(key, primary, startTs, ttl, LockKind.PUT);
    }

    void assertLens(int dflt, int lock, int write) {
        assertEquals(dflt, engine.entries(TxnCf.DEFAULT).size(), "default CF entries");
        assertEquals(lock, engine.entries(TxnCf.LOCK).size(), "lock CF entries");
        assertEquals(write, engine.entries(TxnCf.WRITE).size(), "write CF entries");
    }

    byte[] raw(TxnCf cf, byte[] rawKey) {
        try (var snap = engine.snapshot(null)) {
            return snap.get(cf, rawKey);
        }
    }

    Lock lockOf(byte[] key) {
        byte[] v = raw(TxnCf.LOCK, MvccKey.lockKey(key));
        return v == null ? null : Lock.fromBytes(v);
    }

    Write writeAt(byte[] key, long ts) {
        byte[] v = raw(TxnCf.WRITE, MvccKey.encode(key, ts));
        return v == null ? null : Write.fromBytes(v);
    }

    byte[] valueAt(byte[] key, long ts) {
        return raw(TxnCf.DEFAULT, MvccKey.encode(key, ts));
    }

    void assertWrite(byte[] key, long ts, WriteKind kind, long startTs) {
        assertEquals(new Write(startTs, kind), writeAt(key, ts), "write of " + java.util.Arrays.toString(key));
    }

    void assertValue(byte[] key, long ts, byte[] expected) {
        assertArrayEquals(expected, valueAt(key, ts));
    }

    static Mutation mut(Op op, byte[] key, byte[] value) {
        return Mutation.newBuilder().setOp(op).setKey(bs(key)).setValue(bs(value)).build();
    }

    static PrewriteRequest prewrite(long startTs, byte[] primary, long ttl, Mutation... muts) {
        return PrewriteRequest.newBuilder().setStartVersion(startTs).setPrimaryLock(bs(primary)).setLockTtl(ttl)
                .addAllMutations(List.of(muts)).build();
    }

    static CommitRequest commit(long startTs, long commitTs, byte[]... keys) {
        return CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
                .addAllKeys(toBs(keys)).build();
    }

    static BatchRollbackRequest rollback(long startTs, byte[]... keys) {
        return BatchRollbackRequest.newBuilder().setStartVersion(startTs).addAllKeys(toBs(keys)).build();
    }

    static GetRequest get(byte[] key, long version) {
        return GetRequest.newBuilder().setKey(bs(key)).setVersion(version).build();
    }

    static ScanRequest scan(byte[] start, int limit, long version) {
        return ScanRequest.newBuilder().setStartKey(bs(start)).setLimit(limit).setVersion(version).build();
    }

    static CheckTxnStatusRequest check(byte[] primary, long lockTs, long currentTs) {
        return CheckTxnStatusRequest.newBuilder().setPrimaryKey(bs(primary)).setLockTs(lockTs)
                .setCurrentTs(currentTs).build();
    }

    static ResolveLockRequest resolve(long startTs, long commitTs) {
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
