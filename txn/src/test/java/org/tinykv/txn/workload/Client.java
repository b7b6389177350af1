package org.tinykv.txn.workload;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KeyError;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.LockInfo;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.txn.TxnApi;

/**
 * A Percolator client in the style of TinySQL's 2PC and lock resolver, over any {@link TxnApi} (in-process
 * commands or gRPC). Waiting for a live lock spins (no sleeps); the TSO clock advances with every timestamp taken,
 * so locks of stalled or crashed transactions expire. Each client is confined to one thread.
 */
public final class Client {
    /** The TTL of every lock this client writes, in TSO milliseconds. */
    static final long LOCK_TTL = 40;

    /** How a transaction ends when it is not simply committed. */
    public enum Crash { NONE, AFTER_PREWRITE, AFTER_PRIMARY_COMMIT }

    private final TxnApi cmds;
    private final Tso tso;

    /** A client of {@code api} taking timestamps from {@code tso}. */
    public Client(TxnApi api, Tso tso) {
        this.cmds = api;
        this.tso = tso;
    }

    /** Starts a transaction at a fresh timestamp. */
    public Txn begin() {
        return new Txn(tso.next());
    }

    /** Resolves the lock described by {@code li}; returns false if it is still alive (caller should retry). */
    boolean resolve(LockInfo li) {
        CheckTxnStatusResponse st = cmds.checkTxnStatus(CheckTxnStatusRequest.newBuilder()
                .setPrimaryKey(li.getPrimaryLock()).setLockTs(li.getLockVersion()).setCurrentTs(tso.next()).build());
        if (st.hasRegionError()) {
            throw new AssertionError("unexpected region error " + st);
        }
        if (st.getLockTtl() > 0) {
            Thread.yield();
            return false;
        }
        KeyError err = cmds.resolveLock(ResolveLockRequest.newBuilder().setStartVersion(li.getLockVersion())
                .setCommitVersion(st.getCommitVersion()).build()).getError();
        if (!err.equals(KeyError.getDefaultInstance())) {
            throw new AssertionError("resolve failed: " + err);
        }
        return true;
    }

    /** One transaction: snapshot reads at its start ts, buffered writes, 2PC on commit. */
    public final class Txn {
        /** The start timestamp. */
        public final long startTs;
        /** The commit timestamp, once committed. */
        public long commitTs;
        private final Map<ByteString, byte[]> writes = new LinkedHashMap<>();

        Txn(long startTs) {
            this.startTs = startTs;
        }

        /** Snapshot read; null when absent. Resolves locks and retries. */
        public byte[] get(ByteString key) {
            while (true) {
                GetResponse r = cmds.get(GetRequest.newBuilder().setKey(key).setVersion(startTs).build());
                if (r.hasError()) {
                    if (!r.getError().hasLocked()) {
                        throw new AssertionError("get failed: " + r.getError());
                    }
                    resolve(r.getError().getLocked());
                    continue;
                }
                return r.getValue().isEmpty() ? null : r.getValue().toByteArray();
            }
        }

        /** Snapshot scan of everything from {@code start}; resolves locks and rescans at the same ts. */
        public List<KvPair> scanAll(ByteString start) {
            outer:
            while (true) {
                ScanResponse r = cmds.scan(ScanRequest.newBuilder().setStartKey(start).setLimit(10_000)
                        .setVersion(startTs).build());
                for (KvPair p : r.getPairsList()) {
                    if (p.hasError()) {
                        resolve(p.getError().getLocked());
                        continue outer;
                    }
                }
                return r.getPairsList();
            }
        }

        /** Buffers a write. */
        public void put(ByteString key, byte[] value) {
            writes.put(key, value);
        }

        /** Two-phase commit; true when committed. {@code crash} simulates the client dying midway. */
        public boolean commit(Crash crash) {
            if (writes.isEmpty()) {
                return true;
            }
            List<ByteString> keys = new ArrayList<>(writes.keySet());
            ByteString primary = keys.get(0);
            PrewriteRequest.Builder pw = PrewriteRequest.newBuilder().setStartVersion(startTs)
                    .setPrimaryLock(primary).setLockTtl(LOCK_TTL);
            writes.forEach((k, v) -> pw.addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(k)
                    .setValue(ByteString.copyFrom(v))));
            PrewriteResponse pr = cmds.prewrite(pw.build());
            if (pr.getErrorsCount() > 0) {
                for (KeyError e : pr.getErrorsList()) {
                    if (e.hasLocked()) {
                        resolve(e.getLocked());
                    }
                }
                rollback(keys);
                return false;
            }
            if (crash == Crash.AFTER_PREWRITE) {
                return false;
            }
            commitTs = tso.next();
            KeyError pe = cmds.commit(CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
                    .addKeys(primary).build()).getError();
            if (!pe.equals(KeyError.getDefaultInstance())) {
                rollback(keys);
                return false;
            }
            if (crash == Crash.AFTER_PRIMARY_COMMIT || keys.size() == 1) {
                return true;
            }
            cmds.commit(CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
                    .addAllKeys(keys.subList(1, keys.size())).build());
            return true;
        }

        private void rollback(List<ByteString> keys) {
            cmds.batchRollback(BatchRollbackRequest.newBuilder().setStartVersion(startTs).addAllKeys(keys).build());
        }
    }

    static Crash pickCrash(SplittableRandom rnd, int percent) {
        int r = rnd.nextInt(100);
        if (r < percent) {
            return Crash.AFTER_PREWRITE;
        }
        return r < 2 * percent ? Crash.AFTER_PRIMARY_COMMIT : Crash.NONE;
    }
}
