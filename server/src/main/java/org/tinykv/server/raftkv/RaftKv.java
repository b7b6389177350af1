package org.tinykv.server.raftkv;

import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.DbIterator;
import org.tinykv.multiraft.peer.RegionSnapshot;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.multiraft.store.Store;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.DeleteRequest;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.proto.raft_cmdpb.SnapRequest;
import org.tinykv.server.storage.AsyncRawKv;
import org.tinykv.server.storage.KeyValue;
import org.tinykv.server.storage.RawKv;
import org.tinykv.txn.engine.RegionErrorException;

/**
 * The raw API of a replicated store: every call becomes one raft command of a multiraft {@code Store}, addressed by
 * the request's {@link Context} (region id, region epoch, peer and term become the command's header), answered
 * through a future that the command's callback completes on a store worker thread. The {@link RawKv} calls wait for
 * it on the calling thread; the {@link AsyncRawKv} calls return it, and their continuations (a point read from the
 * region snapshot, the gRPC response) run on the worker that answered.
 *
 * <ul>
 *   <li>Reads ({@link #get}, {@link #scan}, {@link #snapshot}) send a Snap command, which the region's leader serves
 *       through ReadIndex or its lease (never through the log), and read the {@link RegionSnapshot} it returns. A
 *       key (or scan start) outside the snapshot's region is answered KeyNotInRegion without reading; a scan stops
 *       at the region's end key.</li>
 *   <li>Writes ({@link #put}, {@link #delete}, {@link #write}) send Put/Delete requests with their column family in
 *       one command, answered after it is applied; the store rejects keys outside the region (KeyNotInRegion)
 *       before proposing.</li>
 * </ul>
 *
 * <p>Errors: the store's region errors (NotLeader with the leader, EpochNotMatch with the current regions,
 * KeyNotInRegion, RegionNotFound, StaleCommand, StoreNotMatch, or a message-only error) are thrown unchanged as
 * {@link RegionErrorException}. A command not answered within the command timeout throws a <em>message-only</em>
 * region error ({@link #timeoutError}): TinySQL treats such an error by dropping its cached region and returning
 * it to the caller, which backs off ({@code regionMiss}) and retries after reloading the region from the scheduler,
 * which is the right reaction when the leader is partitioned away or overloaded. It is deliberately not StaleCommand
 * (which promises that the command was not applied; a timed-out write may still be applied later) nor NotLeader
 * (this peer may well still be the leader). Every Percolator command and every raw put/delete is safe to repeat.
 *
 * <p>Thread-safety: safe for concurrent use. Arrays passed in must not be modified during the call; arrays
 * returned are owned by the caller.
 */
public final class RaftKv implements RawKv, AsyncRawKv {

    /**
     * A command timeout for servers: well above a healthy commit (a few ms) or an election (about a second with
     * TinyKV's 100 ms ticks), and well below TinySQL's 20 s backoff budgets for reads and prewrites, so that a
     * client still has time to reload the region and retry after one timeout.
     */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final CommandProposer proposer;
    private final Duration timeout;

    /**
     * Sends commands to {@code proposer}, waiting at most {@code commandTimeout} for each answer.
     *
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public RaftKv(final CommandProposer proposer, final Duration commandTimeout) {
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive, got " + commandTimeout);
        }
        this.proposer = proposer;
        this.timeout = commandTimeout;
    }

    /** The raw API of {@code store}, which must be open and started while this is used. */
    public static RaftKv over(final Store store, final Duration commandTimeout) {
        return new RaftKv(store::propose, commandTimeout);
    }

    /** How long a call waits for the store's answer. */
    public Duration commandTimeout() {
        return timeout;
    }

    /**
     * A consistent view of the region named by {@code ctx} on its leader, as of a Snap command. The caller owns it
     * and must close it.
     *
     * @throws RegionErrorException if the store cannot serve the region (see the class comment)
     */
    public RegionSnapshot snapshot(final Context ctx) {
        return snapshotOf(ctx.getRegionId(), execute(snapRequest(ctx)));
    }

    /**
     * Applies {@code requests} (Put and Delete requests) atomically as one raft command of the region named by
     * {@code ctx}; returns once the command is applied on the leader. An empty list is a no-op.
     *
     * @throws RegionErrorException if the store rejects the command or does not answer in time
     */
    public void write(final Context ctx, final List<Request> requests) {
        if (requests.isEmpty()) {
            return;
        }
        written(ctx.getRegionId(), requests.size(), execute(writeRequest(ctx, requests)));
    }

    @Override
    public byte[] get(final Context ctx, final Cf cf, final byte[] key) throws IOException {
        return read(snapshot(ctx), cf, key);
    }

    @Override
    public void put(final Context ctx, final Cf cf, final byte[] key, final byte[] value) {
        write(ctx, List.of(putRequest(cf.cfName(), key, value)));
    }

    @Override
    public void delete(final Context ctx, final Cf cf, final byte[] key) {
        write(ctx, List.of(deleteRequest(cf.cfName(), key)));
    }

    @Override
    public CompletableFuture<byte[]> getAsync(final Context ctx, final Cf cf, final byte[] key) {
        final long regionId = ctx.getRegionId();
        return answered(propose(snapRequest(ctx)), regionId).thenApply(answer -> {
            try {
                return read(snapshotOf(regionId, answer), cf, key);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<Void> putAsync(final Context ctx, final Cf cf, final byte[] key, final byte[] value) {
        return writeAsync(ctx, putRequest(cf.cfName(), key, value));
    }

    @Override
    public CompletableFuture<Void> deleteAsync(final Context ctx, final Cf cf, final byte[] key) {
        return writeAsync(ctx, deleteRequest(cf.cfName(), key));
    }

    private CompletableFuture<Void> writeAsync(final Context ctx, final Request request) {
        final long regionId = ctx.getRegionId();
        return answered(propose(writeRequest(ctx, List.of(request))), regionId)
                .thenAccept(answer -> written(regionId, 1, answer));
    }

    private static RaftCmdRequest snapRequest(final Context ctx) {
        return header(ctx).addRequests(Request.newBuilder().setCmdType(CmdType.Snap)
                .setSnap(SnapRequest.getDefaultInstance())).build();
    }

    private static RaftCmdRequest writeRequest(final Context ctx, final List<Request> requests) {
        return header(ctx).addAllRequests(requests).build();
    }

    /** The snapshot of a successful Snap command. */
    private static RegionSnapshot snapshotOf(final long regionId, final Answer answer) {
        if (answer.snapshot() == null) {
            throw new IllegalStateException("region " + regionId + ": Snap answered without a snapshot");
        }
        return answer.snapshot();
    }

    /** Checks the answer of a successful write of {@code requests} requests. */
    private static void written(final long regionId, final int requests, final Answer answer) {
        if (answer.snapshot() != null) {
            answer.snapshot().close();
        }
        if (answer.response().getResponsesCount() != requests) {
            throw new IllegalStateException("region " + regionId + ": " + requests + " requests answered with "
                    + answer.response().getResponsesCount() + " responses");
        }
    }

    /** Reads {@code key} from {@code snap} (KeyNotInRegion if outside its region) and closes it. */
    private static byte[] read(final RegionSnapshot snap, final Cf cf, final byte[] key) throws IOException {
        try (snap) {
            checkKeyInRegion(key, snap);
            return snap.get(cf, key);
        }
    }

    /** {@inheritDoc} The scan runs in the context's region: its start must lie inside it, and it stops at its end. */
    @Override
    public List<KeyValue> scan(final Context ctx, final Cf cf, final byte[] startKey, final long limit)
            throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        try (RegionSnapshot snap = snapshot(ctx)) {
            checkKeyInRegion(startKey, snap);
            final List<KeyValue> out = new ArrayList<>((int) Math.min(limit, 1024));
            if (limit == 0) {
                return out;
            }
            try (DbIterator it = snap.newIterator(cf, startKey, null)) {
                for (it.seek(startKey); it.valid() && out.size() < limit; it.next()) {
                    out.add(new KeyValue(it.key(), it.value()));
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return out;
        }
    }

    /** A Put request of {@code key} in the column family named {@code cf}. */
    static Request putRequest(final String cf, final byte[] key, final byte[] value) {
        return Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder().setCf(cf)
                .setKey(UnsafeByteOperations.unsafeWrap(key)).setValue(UnsafeByteOperations.unsafeWrap(value)))
                .build();
    }

    /** A Delete request of {@code key} in the column family named {@code cf}. */
    static Request deleteRequest(final String cf, final byte[] key) {
        return Request.newBuilder().setCmdType(CmdType.Delete).setDelete(DeleteRequest.newBuilder().setCf(cf)
                .setKey(UnsafeByteOperations.unsafeWrap(key))).build();
    }

    /** Throws KeyNotInRegion unless {@code key} lies in the snapshot's region. */
    static void checkKeyInRegion(final byte[] key, final RegionSnapshot snap) {
        final Error err = RegionChecks.checkKeyInRegion(key, snap.region());
        if (err != null) {
            throw new RegionErrorException(err);
        }
    }

    /**
     * The region error of a command of {@code regionId} not answered within {@code timeout}: message-only, so that
     * TinySQL reloads the region and retries (see the class comment).
     */
    static Error timeoutError(final long regionId, final Duration timeout) {
        return RegionErrors.other("region " + regionId + ": command not answered within " + timeout.toMillis()
                + " ms (leader partitioned or store overloaded); a write's outcome is unknown");
    }

    /** The command header from the request's routing context (an absent epoch stays absent: the store rejects it). */
    private static RaftCmdRequest.Builder header(final Context ctx) {
        final RaftRequestHeader.Builder h = RaftRequestHeader.newBuilder().setRegionId(ctx.getRegionId())
                .setPeer(ctx.getPeer()).setTerm(ctx.getTerm());
        if (ctx.hasRegionEpoch()) {
            h.setRegionEpoch(ctx.getRegionEpoch());
        }
        return RaftCmdRequest.newBuilder().setHeader(h);
    }

    /** A command's answer: the response and, for a successful Snap, the snapshot (owned by the receiver). */
    private record Answer(RaftCmdResponse response, RegionSnapshot snapshot) {
    }

    /**
     * Proposes {@code req} and waits for its answer; throws its region error. Exactly one of the callback and the
     * timeout (or the waiter giving up) completes the proposal's future, so a snapshot arriving after that is
     * closed by the callback and never leaks.
     */
    private Answer execute(final RaftCmdRequest req) {
        final CompletableFuture<Answer> proposed = propose(req);
        final long regionId = req.getHeader().getRegionId();
        try {
            return answered(proposed, regionId).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            final RegionErrorException gaveUp = new RegionErrorException(RegionErrors.other("region " + regionId
                    + ": interrupted while waiting for the command; a write's outcome is unknown"));
            if (proposed.completeExceptionally(gaveUp)) {
                throw gaveUp;
            }
            return checked(proposed.join());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("unexpected failure of a raft command", e.getCause());
        }
    }

    /** Proposes {@code req}; the future completes with the store's answer. */
    private CompletableFuture<Answer> propose(final RaftCmdRequest req) {
        final CompletableFuture<Answer> done = new CompletableFuture<>();
        proposer.propose(req, (response, snapshot) -> {
            if (!done.complete(new Answer(response, snapshot)) && snapshot != null) {
                snapshot.close();
            }
        });
        return done;
    }

    /**
     * The answer of a proposal once it is a success: fails with its region error, or with {@link #timeoutError}
     * if the store does not answer within the command timeout.
     */
    private CompletableFuture<Answer> answered(final CompletableFuture<Answer> proposed, final long regionId) {
        return proposed.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((answer, failure) -> {
            if (failure == null) {
                return checked(answer);
            }
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                throw new RegionErrorException(timeoutError(regionId, timeout));
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("unexpected failure of a raft command", cause);
        });
    }

    /** {@code answer} if it succeeded; otherwise closes its snapshot and throws its region error. */
    private static Answer checked(final Answer answer) {
        if (answer.response().getHeader().hasError()) {
            if (answer.snapshot() != null) {
                answer.snapshot().close();
            }
            throw new RegionErrorException(answer.response().getHeader().getError());
        }
        return answer;
    }
}
