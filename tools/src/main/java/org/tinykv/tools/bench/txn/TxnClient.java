package org.tinykv.tools.bench.txn;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KeyError;
import org.tinykv.proto.kvrpcpb.LockInfo;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;

/**
 * One benchmark client's read-modify-write transaction attempt, in the style of TinySQL's two-phase commit: read
 * every key (an 8-byte big-endian counter, absent = 0) at the start timestamp, all keys at once, prewrite every key
 * with its counter plus one (primary = the first key), commit the primary at a fresh timestamp, then the
 * secondaries in one request.
 *
 * <p>An attempt holds no thread: each step is sent from the completion of the one before, so the client costs no
 * thread switch per RPC.
 *
 * <p>Locks: a lock met by a read is checked at its primary ({@code KvCheckTxnStatus}); an expired or finished
 * transaction's locks are resolved ({@code KvResolveLock}) and the read retried; a live one is waited for (short
 * pauses) for at most {@link #LOCK_WAIT_NANOS}. A lock or a write conflict at prewrite abandons the attempt (the
 * caller retries with a new timestamp); on one server prewrite is all-or-nothing, so nothing needs rolling back,
 * while in a cluster the regions that did take their locks are rolled back ({@link TxnKv#rollbackPartialPrewrite}).
 * One attempt at a time.
 */
final class TxnClient {
    /** How an attempt ended. */
    enum Outcome { COMMITTED, ABORTED, FAILED }

    /** The longest a read waits for a live lock before the attempt fails. */
    static final long LOCK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Executor LOCK_WAIT_PAUSE =
        CompletableFuture.delayedExecutor(100, TimeUnit.MICROSECONDS, Runnable::run);
    /** The per-RPC deadline against one server. */
    static final long DEADLINE_MILLIS = 30_000;

    private final TxnKv kv;
    private final TimestampSource tso;
    private final long lockTtlMillis;
    private final LongSupplier nanoClock;
    private final AtomicLong locksResolved = new AtomicLong();
    private volatile String lastError;

    TxnClient(TxnKv kv, TimestampSource tso, long lockTtlMillis, LongSupplier nanoClock) {
        this.kv = kv;
        this.tso = tso;
        this.lockTtlMillis = lockTtlMillis;
        this.nanoClock = nanoClock;
    }

    /** Locks of other transactions this client has resolved so far. */
    long locksResolved() {
        return locksResolved.get();
    }

    /** The last failure seen, or null. */
    String lastError() {
        return lastError;
    }

    /** A step that cannot go on: the attempt fails with this message. */
    private static final class AttemptFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AttemptFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** One attempt at incrementing every key of {@code keys} (distinct) by one; the future never fails. */
    CompletableFuture<Outcome> attempt(List<ByteString> keys) {
        CompletableFuture<Outcome> attempt;
        try {
            attempt = tso.nextAsync().thenCompose(startTs -> readAll(keys, startTs)
                .thenCompose(counters -> prewrite(keys, startTs, counters)));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.handle((outcome, failure) -> {
            if (failure == null) {
                return outcome;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            lastError = cause instanceof AttemptFailed ? cause.getMessage() : cause.toString();
            return Outcome.FAILED;
        });
    }

    /** The counters of {@code keys} at {@code startTs}, read concurrently as a batch get would. */
    private CompletableFuture<long[]> readAll(List<ByteString> keys, long startTs) {
        if (keys.size() == 1) {
            return read(keys.get(0), startTs, nanoClock.getAsLong()).thenApply(c -> new long[] {c});
        }
        long[] counters = new long[keys.size()];
        CompletableFuture<?>[] reads = new CompletableFuture<?>[keys.size()];
        long waitStart = nanoClock.getAsLong();
        for (int i = 0; i < reads.length; i++) {
            int slot = i;
            reads[i] = read(keys.get(i), startTs, waitStart).thenAccept(c -> counters[slot] = c);
        }
        return CompletableFuture.allOf(reads).thenApply(none -> counters);
    }

    private CompletableFuture<Outcome> prewrite(List<ByteString> keys, long startTs, long[] counters) {
        ByteString primary = keys.get(0);
        PrewriteRequest.Builder pw = PrewriteRequest.newBuilder().setStartVersion(startTs).setPrimaryLock(primary)
            .setLockTtl(lockTtlMillis);
        for (int i = 0; i < keys.size(); i++) {
            pw.addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(keys.get(i))
                .setValue(UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(8).putLong(counters[i] + 1).array())));
        }
        return kv.prewrite(pw.build()).thenCompose(pr -> {
            if (pr.hasRegionError()) {
                throw new AttemptFailed("KvPrewrite region error: " + pr.getRegionError());
            }
            if (pr.getErrorsCount() > 0) {
                return kv.rollbackPartialPrewrite(BatchRollbackRequest.newBuilder().setStartVersion(startTs)
                    .addAllKeys(keys).build()).thenCompose(none -> refused(pr, 0, Outcome.ABORTED));
            }
            return tso.nextAsync().thenCompose(commitTs -> commit(keys, startTs, commitTs));
        });
    }

    /**
     * Handles the key errors of a refused prewrite from {@code index} on, one after the other: locks met are
     * resolved; a conflict only aborts; anything else fails the attempt.
     */
    private CompletableFuture<Outcome> refused(PrewriteResponse pr, int index, Outcome soFar) {
        if (index == pr.getErrorsCount()) {
            return CompletableFuture.completedFuture(soFar);
        }
        KeyError e = pr.getErrors(index);
        if (e.hasLocked()) {
            return resolve(e.getLocked(), e.getLocked().getKey()).thenCompose(resolved ->
                refused(pr, index + 1, soFar));
        }
        if (!e.hasConflict()) {
            lastError = "KvPrewrite: " + e;
            return refused(pr, index + 1, Outcome.FAILED);
        }
        return refused(pr, index + 1, soFar);
    }

    private CompletableFuture<Outcome> commit(List<ByteString> keys, long startTs, long commitTs) {
        return kv.commit(CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
            .addKeys(keys.get(0)).build()).thenCompose(primaryCommit -> {
                if (primaryCommit.hasRegionError()) {
                    throw new AttemptFailed("KvCommit region error: " + primaryCommit.getRegionError());
                }
                if (primaryCommit.hasError()) {
                    lastError = "KvCommit of the primary: " + primaryCommit.getError();
                    // our lock was rolled back by another client's resolution (TTL passed): the attempt is lost
                    return CompletableFuture.completedFuture(Outcome.ABORTED);
                }
                if (keys.size() == 1) {
                    return CompletableFuture.completedFuture(Outcome.COMMITTED);
                }
                return kv.commit(CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
                    .addAllKeys(keys.subList(1, keys.size())).build()).handle((rest, failure) -> {
                        if (failure != null || rest.hasRegionError() || rest.hasError()) {
                            // committed at the primary already; readers resolve the secondaries' locks
                            lastError = "KvCommit of secondaries: " + (failure != null ? failure : rest);
                        }
                        return Outcome.COMMITTED;
                    });
            });
    }

    /** The counter of {@code key} at {@code ts} (0 if absent), resolving locks met. */
    private CompletableFuture<Long> read(ByteString key, long ts, long waitStart) {
        return kv.get(GetRequest.newBuilder().setKey(key).setVersion(ts).build()).thenCompose(r -> {
            if (r.hasRegionError()) {
                throw new AttemptFailed("KvGet region error: " + r.getRegionError());
            }
            if (!r.hasError()) {
                return CompletableFuture.completedFuture(counter(r));
            }
            if (!r.getError().hasLocked()) {
                throw new AttemptFailed("KvGet: " + r.getError());
            }
            return resolve(r.getError().getLocked(), key).thenCompose(resolved -> {
                if (resolved) {
                    return read(key, ts, waitStart);
                }
                if (nanoClock.getAsLong() - waitStart > LOCK_WAIT_NANOS) {
                    throw new AttemptFailed("KvGet: lock still alive after " + LOCK_WAIT_NANOS / 1_000_000
                        + " ms: " + r);
                }
                return CompletableFuture.runAsync(() -> { }, LOCK_WAIT_PAUSE)
                    .thenCompose(none -> read(key, ts, waitStart));
            });
        });
    }

    private static long counter(GetResponse r) {
        ByteString value = r.getValue();
        return value.size() == 0 ? 0 : value.asReadOnlyByteBuffer().getLong();
    }

    /**
     * Resolves the transaction of {@code lock}, met at {@code key}, if it is over (in the region of {@code key}, or
     * of the lock's primary if the key is unknown): true once resolved, false if it is still alive.
     */
    private CompletableFuture<Boolean> resolve(LockInfo lock, ByteString key) {
        return tso.nextAsync().thenCompose(now -> kv.checkTxnStatus(CheckTxnStatusRequest.newBuilder()
            .setPrimaryKey(lock.getPrimaryLock()).setLockTs(lock.getLockVersion()).setCurrentTs(now).build()))
            .thenCompose(st -> {
                if (st.hasRegionError()) {
                    throw new AttemptFailed("KvCheckTxnStatus region error: " + st.getRegionError());
                }
                if (st.getLockTtl() > 0) {
                    return CompletableFuture.completedFuture(false);
                }
                return kv.resolveLock(ResolveLockRequest.newBuilder().setStartVersion(lock.getLockVersion())
                    .setCommitVersion(st.getCommitVersion()).build(), key.isEmpty() ? lock.getPrimaryLock() : key)
                    .thenApply(rr -> {
                        if (rr.hasRegionError() || rr.hasError()) {
                            throw new AttemptFailed("KvResolveLock failed: " + rr);
                        }
                        locksResolved.incrementAndGet();
                        return true;
                    });
            });
    }
}
