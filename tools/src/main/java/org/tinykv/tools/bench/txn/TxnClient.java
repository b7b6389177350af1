package org.tinykv.tools.bench.txn;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KeyError;
import org.tinykv.proto.kvrpcpb.LockInfo;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.tools.client.ClusterClientException;

/**
 * One benchmark client's read-modify-write transaction attempt, in the style of TinySQL's two-phase commit: read
 * every key (an 8-byte big-endian counter, absent = 0) at the start timestamp, prewrite every key with its counter
 * plus one (primary = the first key), commit the primary at a fresh timestamp, then the secondaries in one request.
 *
 * <p>Locks: a lock met by a read is checked at its primary ({@code KvCheckTxnStatus}); an expired or finished
 * transaction's locks are resolved ({@code KvResolveLock}) and the read retried; a live one is waited for (short
 * parks) for at most {@link #LOCK_WAIT_NANOS}. A lock or a write conflict at prewrite abandons the attempt (the
 * caller retries with a new timestamp); on one server prewrite is all-or-nothing, so nothing needs rolling back,
 * while in a cluster the regions that did take their locks are rolled back ({@link TxnKv#rollbackPartialPrewrite}).
 * Confined to one thread.
 */
final class TxnClient {
    /** How an attempt ended. */
    enum Outcome { COMMITTED, ABORTED, FAILED }

    /** The longest a read waits for a live lock before the attempt fails. */
    static final long LOCK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The per-RPC deadline against one server. */
    static final long DEADLINE_MILLIS = 30_000;

    private final TxnKv kv;
    private final TimestampSource tso;
    private final long lockTtlMillis;
    private final LongSupplier nanoClock;
    private long locksResolved;
    private String lastError;

    TxnClient(TxnKv kv, TimestampSource tso, long lockTtlMillis, LongSupplier nanoClock) {
        this.kv = kv;
        this.tso = tso;
        this.lockTtlMillis = lockTtlMillis;
        this.nanoClock = nanoClock;
    }

    /** Locks of other transactions this client has resolved so far. */
    long locksResolved() {
        return locksResolved;
    }

    /** The last failure seen, or null. */
    String lastError() {
        return lastError;
    }

    /** One attempt at incrementing every key of {@code keys} (distinct) by one. */
    Outcome attempt(List<ByteString> keys) {
        try {
            return attemptOnce(keys);
        } catch (StatusRuntimeException | ClusterClientException | IllegalStateException e) {
            lastError = e.toString();
            return Outcome.FAILED;
        }
    }

    private Outcome attemptOnce(List<ByteString> keys) {
        long startTs = tso.next();
        ByteString primary = keys.get(0);
        PrewriteRequest.Builder pw = PrewriteRequest.newBuilder().setStartVersion(startTs).setPrimaryLock(primary)
            .setLockTtl(lockTtlMillis);
        for (ByteString key : keys) {
            ByteString value = read(key, startTs);
            if (value == null) {
                return Outcome.FAILED;
            }
            long counter = value.size() == 0 ? 0 : value.asReadOnlyByteBuffer().getLong();
            pw.addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(key)
                .setValue(UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(8).putLong(counter + 1).array())));
        }
        PrewriteResponse pr = kv.prewrite(pw.build());
        if (pr.hasRegionError()) {
            return fail("KvPrewrite region error: " + pr.getRegionError());
        }
        if (pr.getErrorsCount() > 0) {
            kv.rollbackPartialPrewrite(BatchRollbackRequest.newBuilder().setStartVersion(startTs).addAllKeys(keys)
                .build());
            boolean retryable = true;
            for (KeyError e : pr.getErrorsList()) {
                if (e.hasLocked()) {
                    resolve(e.getLocked(), e.getLocked().getKey());
                } else if (!e.hasConflict()) {
                    retryable = false;
                    lastError = "KvPrewrite: " + e;
                }
            }
            return retryable ? Outcome.ABORTED : Outcome.FAILED;
        }
        long commitTs = tso.next();
        CommitResponse primaryCommit = kv.commit(CommitRequest.newBuilder().setStartVersion(startTs)
            .setCommitVersion(commitTs).addKeys(primary).build());
        if (primaryCommit.hasRegionError()) {
            return fail("KvCommit region error: " + primaryCommit.getRegionError());
        }
        if (primaryCommit.hasError()) {
            lastError = "KvCommit of the primary: " + primaryCommit.getError();
            // our lock was rolled back by another client's resolution (TTL passed): the attempt is lost
            return Outcome.ABORTED;
        }
        if (keys.size() > 1) {
            CommitResponse rest = kv.commit(CommitRequest.newBuilder().setStartVersion(startTs)
                .setCommitVersion(commitTs).addAllKeys(keys.subList(1, keys.size())).build());
            if (rest.hasRegionError() || rest.hasError()) {
                // committed at the primary already; readers resolve the secondaries' locks
                lastError = "KvCommit of secondaries: " + rest;
            }
        }
        return Outcome.COMMITTED;
    }

    private Outcome fail(String error) {
        lastError = error;
        return Outcome.FAILED;
    }

    /** The value of {@code key} at {@code ts} (empty if absent), resolving locks; null on failure. */
    private ByteString read(ByteString key, long ts) {
        long waitStart = nanoClock.getAsLong();
        while (true) {
            GetResponse r = kv.get(GetRequest.newBuilder().setKey(key).setVersion(ts).build());
            if (r.hasRegionError()) {
                lastError = "KvGet region error: " + r.getRegionError();
                return null;
            }
            if (!r.hasError()) {
                return r.getValue();
            }
            if (!r.getError().hasLocked()) {
                lastError = "KvGet: " + r.getError();
                return null;
            }
            if (!resolve(r.getError().getLocked(), key)) {
                if (nanoClock.getAsLong() - waitStart > LOCK_WAIT_NANOS) {
                    lastError = "KvGet: lock still alive after " + LOCK_WAIT_NANOS / 1_000_000 + " ms: " + r;
                    return null;
                }
                LockSupport.parkNanos(PARK_NANOS);
            }
        }
    }

    /**
     * Resolves the transaction of {@code lock}, met at {@code key}, if it is over (in the region of {@code key}, or
     * of the lock's primary if the key is unknown); false if it is still alive.
     */
    private boolean resolve(LockInfo lock, ByteString key) {
        CheckTxnStatusResponse st = kv.checkTxnStatus(CheckTxnStatusRequest.newBuilder()
            .setPrimaryKey(lock.getPrimaryLock()).setLockTs(lock.getLockVersion()).setCurrentTs(tso.next()).build());
        if (st.hasRegionError()) {
            throw new IllegalStateException("KvCheckTxnStatus region error: " + st.getRegionError());
        }
        if (st.getLockTtl() > 0) {
            return false;
        }
        ResolveLockResponse rr = kv.resolveLock(ResolveLockRequest.newBuilder()
            .setStartVersion(lock.getLockVersion()).setCommitVersion(st.getCommitVersion()).build(),
            key.isEmpty() ? lock.getPrimaryLock() : key);
        if (rr.hasRegionError() || rr.hasError()) {
            throw new IllegalStateException("KvResolveLock failed: " + rr);
        }
        locksResolved++;
        return true;
    }
}
