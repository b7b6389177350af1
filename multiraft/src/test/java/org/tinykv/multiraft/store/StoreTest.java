package org.tinykv.multiraft.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.DbIterator;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.peer.RegionSnapshot;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.GetRequest;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.proto.raft_cmdpb.SnapRequest;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.OsFileSystem;
import org.tinykv.wal.fs.fault.FaultInjectingFileSystem;
import org.tinykv.wal.fs.fault.FaultRule;
import org.tinykv.wal.fs.fault.OpKind;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** One store with several single-peer regions: group commit, routing errors, snapshots, idleness, threads. */
@Timeout(60)
class StoreTest {
    private static final Path DIR = Path.of("/one");
    private static final String[] BOUNDS = {"", "b", "d", "f", "h", ""};
    private static final StoreConfig CFG = new StoreConfig(50, 1, 1, 256, 32L << 20, 32L << 20,
            PeerConfig.defaults());

    private static Region region(final int i) {
        return Region.newBuilder().setId(i + 1).setStartKey(ByteString.copyFromUtf8(BOUNDS[i]))
                .setEndKey(ByteString.copyFromUtf8(BOUNDS[i + 1]))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
                .addPeers(Peer.newBuilder().setId(10 + i).setStoreId(1)).build();
    }

    private static Store open(final FileSystem fs, final EpochClock clock) throws IOException {
        for (int i = 0; i < BOUNDS.length - 1; i++) {
            Bootstrap.bootstrapStore(fs, DIR, 1, 1, region(i), CFG);
        }
        return Store.open(fs, DIR, CFG, new SimTransport(1, clock), clock);
    }

    private static RaftCmdRequest cmd(final int regionIdx, final long storeId, final RegionEpoch epoch,
                                      final Request... reqs) {
        final Region r = region(regionIdx);
        final RaftCmdRequest.Builder b = RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder()
                .setRegionId(r.getId()).setPeer(r.getPeers(0).toBuilder().setStoreId(storeId))
                .setRegionEpoch(epoch == null ? r.getRegionEpoch() : epoch));
        for (final Request q : reqs) {
            b.addRequests(q);
        }
        return b.build();
    }

    private static Request put(final String k, final String v) {
        return Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFromUtf8(v))).build();
    }

    private static Request get(final String k) {
        return Request.newBuilder().setCmdType(CmdType.Get).setGet(GetRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8(k))).build();
    }

    private static Request snap() {
        return Request.newBuilder().setCmdType(CmdType.Snap).setSnap(SnapRequest.getDefaultInstance()).build();
    }

    private record Answer(RaftCmdResponse response, RegionSnapshot snapshot) {
    }

    private static CompletableFuture<Answer> propose(final Store s, final RaftCmdRequest req) {
        final CompletableFuture<Answer> f = new CompletableFuture<>();
        s.propose(req, (resp, snap) -> f.complete(new Answer(resp, snap)));
        return f;
    }

    private static void runUntil(final Store s, final CachedEpochClock clock, final CompletableFuture<?> f) {
        for (int i = 0; i < 2000 && !f.isDone(); i++) {
            s.doWork();
            clock.advance(10);
        }
        assertTrue(f.isDone(), "not answered");
    }

    private static void electAll(final Store s, final CachedEpochClock clock) {
        for (int i = 0; i < 2000; i++) {
            boolean all = true;
            for (int r = 1; r < BOUNDS.length; r++) {
                all &= s.router().fsm(r).peer().isLeader();
            }
            if (all) {
                return;
            }
            s.doWork();
            clock.advance(10);
        }
        throw new AssertionError("single-peer regions did not elect themselves");
    }

    @Test
    void oneSyncedWritePerRoundAcrossRegions() throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        try (Store s = open(new MemFileSystem(), clock)) {
            electAll(s, clock);
            for (int i = 0; i < 20; i++) {
                s.doWork();
            }
            final RaftWorkerProbe probe = new RaftWorkerProbe(s);
            final List<CompletableFuture<Answer>> fs = new ArrayList<>();
            for (int i = 0; i < BOUNDS.length - 1; i++) {
                final String key = BOUNDS[i].isEmpty() ? "a" : BOUNDS[i] + "x";
                fs.add(propose(s, cmd(i, 1, null, put(key, "v" + i))));
            }
            s.doWork();
            assertEquals(1, probe.syncedWritesSince(), "all five regions' appends in one synced write");
            for (final CompletableFuture<Answer> f : fs) {
                runUntil(s, clock, f);
                assertFalse(f.join().response().getHeader().hasError(), f.join().response().toString());
            }
        }
    }

    @Test
    void anEntryIsNeverAppliedBeforeItIsDurableInTheRaftLog() throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(new MemFileSystem());
        try (Store s = open(fs, clock)) {
            electAll(s, clock);
            for (int i = 0; i < 20; i++) {
                s.doWork();
            }
            // a one-replica region commits an entry in the very round that appends it: its fsync must come first
            fs.addRule(FaultRule.failFrom(OpKind.SYNC, p -> p.toString().startsWith("/one/raft/"), 1));
            final CompletableFuture<Answer> f = propose(s, cmd(1, 1, null, put("bx", "v")));
            assertThrows(IllegalStateException.class, s::doWork, "the raft engine's sync fails");
            for (int i = 0; i < 20; i++) {
                s.doWork(); // the apply workers drain whatever reached them
            }
            assertNull(s.engines().kv().get(Cf.DEFAULT, Keys.dataKey("bx".getBytes(StandardCharsets.UTF_8))),
                    "applied although its log entry never became durable");
            assertTrue(f.isDone() && f.join().response().getHeader().hasError(), "answered with an error");
            fs.clearRules();
        }
    }

    /** Counts synced raft-engine writes from now on. */
    private static final class RaftWorkerProbe {
        private final Store store;
        private final long start;

        RaftWorkerProbe(final Store store) {
            this.store = store;
            this.start = store.raftWorkers().get(0).syncedWrites();
        }

        long syncedWritesSince() {
            return store.raftWorkers().get(0).syncedWrites() - start;
        }
    }

    @Test
    void routingAndRegionErrors() throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        try (Store s = open(new MemFileSystem(), clock)) {
            electAll(s, clock);
            final RaftCmdRequest unknown = cmd(0, 1, null, get("a")).toBuilder()
                    .setHeader(cmd(0, 1, null, get("a")).getHeader().toBuilder().setRegionId(99)).build();
            final RaftCmdResponse nf = propose(s, unknown).join().response();
            assertEquals(99, nf.getHeader().getError().getRegionNotFound().getRegionId());
            CompletableFuture<Answer> f = propose(s, cmd(1, 1, null, put("zz", "v")));
            runUntil(s, clock, f);
            assertTrue(f.join().response().getHeader().getError().hasKeyNotInRegion());
            f = propose(s, cmd(1, 1, RegionEpoch.newBuilder().setConfVer(1).setVersion(0).build(), get("b")));
            runUntil(s, clock, f);
            final var enm = f.join().response().getHeader().getError().getEpochNotMatch();
            assertEquals(List.of(region(1), region(2)), enm.getCurrentRegionsList(), "the region and its sibling");
            f = propose(s, cmd(1, 7, null, get("b")));
            runUntil(s, clock, f);
            assertEquals(7, f.join().response().getHeader().getError().getStoreNotMatch().getRequestStoreId());
        }
    }

    @Test
    void snapshotSeesRegionDataOnly() throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        try (Store s = open(new MemFileSystem(), clock)) {
            electAll(s, clock);
            for (final String k : new String[] {"a", "b", "c", "cc", "d"}) {
                final int idx = k.compareTo("b") < 0 ? 0 : k.compareTo("d") < 0 ? 1 : 2;
                final CompletableFuture<Answer> f = propose(s, cmd(idx, 1, null, put(k, k.toUpperCase())));
                runUntil(s, clock, f);
                assertFalse(f.join().response().getHeader().hasError());
            }
            final CompletableFuture<Answer> f = propose(s, cmd(1, 1, null, snap()));
            runUntil(s, clock, f);
            try (RegionSnapshot snap = f.join().snapshot()) {
                assertNotNull(snap);
                assertEquals(region(1), f.join().response().getResponses(0).getSnap().getRegion());
                // a later write is not visible in the snapshot
                final CompletableFuture<Answer> w = propose(s, cmd(1, 1, null, put("c", "NEW")));
                runUntil(s, clock, w);
                assertArrayEquals("C".getBytes(StandardCharsets.UTF_8), snap.get(Cf.DEFAULT,
                        "c".getBytes(StandardCharsets.UTF_8)));
                final List<String> keys = new ArrayList<>();
                try (DbIterator it = snap.newIterator(Cf.DEFAULT, null, null)) {
                    for (it.seekToFirst(); it.valid(); it.next()) {
                        keys.add(new String(it.key(), StandardCharsets.UTF_8));
                    }
                }
                assertEquals(List.of("b", "c", "cc"), keys);
            }
        }
    }

    @Test
    void closeAnswersWaitingCommandsAndReleasesTheDir() throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        final MemFileSystem fs = new MemFileSystem();
        final CompletableFuture<Answer> waiting;
        try (Store s = open(fs, clock)) {
            assertThrows(IOException.class, () -> Store.open(fs, DIR, CFG, new SimTransport(1, clock), clock),
                    "the data dir is locked");
            electAll(s, clock);
            waiting = propose(s, cmd(0, 1, null, put("a", "1")));
            assertFalse(waiting.isDone());
        }
        assertTrue(waiting.isDone(), "answered on close");
        assertTrue(waiting.join().response().getHeader().getError().getMessage().contains("closing"));
        try (Store s = Store.open(fs, DIR, CFG, new SimTransport(1, clock), clock)) {
            assertEquals(BOUNDS.length - 1, s.router().size());
        }
    }

    @Test
    void realFilesSurviveRestart(@TempDir final Path tmp) throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        final OsFileSystem fs = new OsFileSystem();
        final Path dir = tmp.resolve("store");
        for (int i = 0; i < BOUNDS.length - 1; i++) {
            Bootstrap.bootstrapStore(fs, dir, 1, 1, region(i), CFG);
        }
        try (Store s = Store.open(fs, dir, CFG, new SimTransport(1, clock), clock)) {
            electAll(s, clock);
            final CompletableFuture<Answer> f = propose(s, cmd(2, 1, null, put("e", "on-disk")));
            runUntil(s, clock, f);
            assertFalse(f.join().response().getHeader().hasError());
        }
        try (Store s = Store.open(fs, dir, CFG, new SimTransport(1, clock), clock)) {
            electAll(s, clock);
            final CompletableFuture<Answer> f = propose(s, cmd(2, 1, null, get("e")));
            runUntil(s, clock, f);
            assertEquals("on-disk", f.join().response().getResponses(0).getGet().getValue().toStringUtf8());
        }
    }

    @Test
    void idleStoreDoesNoWorkBetweenTicks() throws IOException {
        final CachedEpochClock clock = new CachedEpochClock();
        try (Store s = open(new MemFileSystem(), clock)) {
            electAll(s, clock);
            for (int i = 0; i < 50; i++) {
                s.doWork();
            }
            assertEquals(0, s.doWork(), "no mail, no tick due: nothing touched");
            clock.advance(CFG.tickMillis());
            assertTrue(s.doWork() > 0, "a tick reaches the peers");
            for (int i = 0; i < 5; i++) {
                s.doWork();
            }
            assertEquals(0, s.doWork());
        }
    }

    @Test
    void workersOnTheirOwnThreads() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Store s = open(fs, SystemEpochClock.INSTANCE)) {
            s.start();
            for (int i = 0; i < 20; i++) {
                final String k = "k" + i;
                final int idx = k.compareTo("h") < 0 ? 3 : 4;
                // single-peer regions campaign when loaded; on a busy machine the worker may not have run the
                // campaign's round yet when the first command arrives, so NotLeader is retried (bounded by time)
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                Answer a = propose(s, cmd(idx, 1, null, put(k, "v" + i))).get(10, TimeUnit.SECONDS);
                while (a.response().getHeader().getError().hasNotLeader() && System.nanoTime() < deadline) {
                    a = propose(s, cmd(idx, 1, null, put(k, "v" + i))).get(10, TimeUnit.SECONDS);
                }
                assertFalse(a.response().getHeader().hasError(), a.response().toString());
                final Answer g = propose(s, cmd(idx, 1, null, get(k))).get(10, TimeUnit.SECONDS);
                assertEquals("v" + i, g.response().getResponses(0).getGet().getValue().toStringUtf8());
            }
        }
    }
}
