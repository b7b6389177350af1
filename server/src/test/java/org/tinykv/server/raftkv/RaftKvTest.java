package org.tinykv.server.raftkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.multiraft.peer.CmdCallback;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.Response;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.RegionErrorException;
import org.tinykv.txn.engine.TxnCf;

/** {@link RaftKv} and {@link RaftTxnEngine} against a scripted proposer: headers, requests, errors, timeouts. */
class RaftKvTest {
    private static final Context CTX = Context.newBuilder().setRegionId(7)
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(3).setVersion(5))
            .setPeer(Peer.newBuilder().setId(71).setStoreId(2)).setTerm(9).build();

    /** Records every command and answers it with {@code answer}, or never if that is null. */
    private static final class Scripted implements CommandProposer {
        final List<RaftCmdRequest> sent = new ArrayList<>();
        final List<CmdCallback> callbacks = new ArrayList<>();
        RaftCmdResponse answer;

        @Override
        public synchronized void propose(final RaftCmdRequest request, final CmdCallback callback) {
            sent.add(request);
            callbacks.add(callback);
            if (answer != null) {
                callback.onDone(answer, null);
            }
        }
    }

    private static RaftCmdResponse ok(final int responses) {
        final RaftCmdResponse.Builder b = RaftCmdResponse.newBuilder();
        for (int i = 0; i < responses; i++) {
            b.addResponses(Response.newBuilder().setCmdType(CmdType.Put));
        }
        return b.build();
    }

    @Test
    void theContextBecomesTheHeaderAndWritesCarryTheirColumnFamilies() {
        final Scripted p = new Scripted();
        p.answer = ok(2);
        new RaftTxnEngine(new RaftKv(p, Duration.ofSeconds(5))).write(CTX, List.of(
                new Modify.Put(TxnCf.LOCK, new byte[] {1}, new byte[] {2}), new Modify.Delete(TxnCf.WRITE,
                        new byte[] {3})));
        assertEquals(1, p.sent.size(), "one raft command for the whole batch");
        final RaftCmdRequest req = p.sent.get(0);
        assertEquals(7, req.getHeader().getRegionId());
        assertEquals(CTX.getRegionEpoch(), req.getHeader().getRegionEpoch());
        assertEquals(CTX.getPeer(), req.getHeader().getPeer());
        assertEquals(9, req.getHeader().getTerm());
        assertEquals(CmdType.Put, req.getRequests(0).getCmdType());
        assertEquals("lock", req.getRequests(0).getPut().getCf());
        assertEquals(ByteString.copyFrom(new byte[] {2}), req.getRequests(0).getPut().getValue());
        assertEquals(CmdType.Delete, req.getRequests(1).getCmdType());
        assertEquals("write", req.getRequests(1).getDelete().getCf());
    }

    @Test
    void anEmptyBatchSendsNothingAndAMissingEpochStaysMissing() {
        final Scripted p = new Scripted();
        p.answer = ok(1);
        final RaftKv kv = new RaftKv(p, Duration.ofSeconds(5));
        kv.write(CTX, List.of());
        assertTrue(p.sent.isEmpty());
        kv.put(CTX.toBuilder().clearRegionEpoch().build(), Cf.DEFAULT, new byte[] {1}, new byte[0]);
        assertFalse(p.sent.get(0).getHeader().hasRegionEpoch(), "the store answers 'missing epoch'");
    }

    @Test
    void regionErrorsOfTheStorePassThroughUnchanged() {
        final Error notLeader = RegionErrors.notLeader(7, Peer.newBuilder().setId(72).setStoreId(3).build());
        final Scripted p = new Scripted();
        p.answer = RegionErrors.errorResponse(notLeader, 4);
        final RaftKv kv = new RaftKv(p, Duration.ofSeconds(5));
        assertEquals(notLeader, assertThrows(RegionErrorException.class,
                () -> kv.get(CTX, Cf.DEFAULT, new byte[] {1})).error());
        assertEquals(notLeader, assertThrows(RegionErrorException.class,
                () -> kv.delete(CTX, Cf.WRITE, new byte[] {1})).error());
        assertEquals(notLeader, assertThrows(RegionErrorException.class,
                () -> new RaftTxnEngine(kv).snapshot(CTX)).error());
    }

    @Test
    void anUnansweredCommandTimesOutWithARetryableRegionErrorAndALateAnswerIsDropped() {
        final Scripted p = new Scripted();
        final RaftKv kv = new RaftKv(p, Duration.ofMillis(50));
        final RegionErrorException e = assertThrows(RegionErrorException.class,
                () -> kv.put(CTX, Cf.DEFAULT, new byte[] {1}, new byte[] {1}));
        assertEquals(RaftKv.timeoutError(7, Duration.ofMillis(50)), e.error());
        assertTrue(e.error().getMessage().contains("not answered within 50 ms"), e.error().getMessage());
        assertFalse(e.error().hasStaleCommand() || e.error().hasNotLeader(), "message-only: the outcome is unknown");
        p.callbacks.get(0).onDone(ok(1), null); // the store answers after all: nobody waits, nothing breaks
    }

    @Test
    void aResponseCountMismatchIsAnInternalError() {
        final Scripted p = new Scripted();
        p.answer = ok(0);
        final RaftKv kv = new RaftKv(p, Duration.ofSeconds(5));
        assertThrows(IllegalStateException.class, () -> kv.put(CTX, Cf.DEFAULT, new byte[] {1}, new byte[] {1}));
    }

    @Test
    void anAnswerFromAnotherThreadWakesTheWaiter() throws Exception {
        final AtomicReference<CmdCallback> pending = new AtomicReference<>();
        final RaftKv kv = new RaftKv((req, cb) -> pending.set(cb), Duration.ofSeconds(30));
        final Thread store = new Thread(() -> {
            while (pending.get() == null) {
                Thread.onSpinWait();
            }
            pending.get().onDone(ok(1), null);
        });
        store.start();
        kv.put(CTX, Cf.DEFAULT, new byte[] {1}, new byte[] {1});
        store.join(30_000);
    }

    @Test
    void anAsyncWriteCompletesOnTheThreadThatAnswersIt() throws Exception {
        final AtomicReference<CmdCallback> pending = new AtomicReference<>();
        final RaftKv kv = new RaftKv((req, cb) -> pending.set(cb), Duration.ofSeconds(30));
        final CompletableFuture<Void> put = kv.putAsync(CTX, Cf.LOCK, new byte[] {1}, new byte[] {2});
        assertFalse(put.isDone(), "returns before the store answers");
        final AtomicReference<String> completedOn = new AtomicReference<>();
        final CompletableFuture<Void> seen = put.thenRun(() -> completedOn.set(Thread.currentThread().getName()));
        final Thread store = new Thread(() -> pending.get().onDone(ok(1), null), "store-worker");
        store.start();
        store.join(30_000);
        seen.get(30, TimeUnit.SECONDS);
        assertEquals("store-worker", completedOn.get());
    }

    @Test
    void asyncCallsFailWithTheStoresRegionErrorOrTheTimeout() throws Exception {
        final Error notLeader = RegionErrors.notLeader(7, Peer.newBuilder().setId(72).setStoreId(3).build());
        final Scripted p = new Scripted();
        p.answer = RegionErrors.errorResponse(notLeader, 4);
        final RaftKv kv = new RaftKv(p, Duration.ofSeconds(5));
        assertEquals(notLeader, regionError(kv.getAsync(CTX, Cf.DEFAULT, new byte[] {1})));
        assertEquals(notLeader, regionError(kv.deleteAsync(CTX, Cf.DEFAULT, new byte[] {1})));
        assertEquals(CmdType.Delete, p.sent.get(1).getRequests(0).getCmdType());

        final Scripted silent = new Scripted();
        final RaftKv slow = new RaftKv(silent, Duration.ofMillis(50));
        assertEquals(RaftKv.timeoutError(7, Duration.ofMillis(50)),
                regionError(slow.putAsync(CTX, Cf.DEFAULT, new byte[] {1}, new byte[] {1})));
        silent.callbacks.get(0).onDone(ok(1), null); // a late answer finds the future settled
    }

    private static Error regionError(final CompletableFuture<?> call) {
        final ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(RegionErrorException.class, e.getCause()).error();
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RaftKv((r, c) -> { }, Duration.ZERO));
    }
}
