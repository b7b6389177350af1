package org.tinykv.multiraft.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.operation.snapshot.GeneratedSnapshot;
import org.tinykv.multiraft.operation.snapshot.SnapManager;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftLocalState;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * A crash after the raft side of a snapshot was persisted (log replaced, marker written) but before its data reached
 * the kv engine: the restarted store re-applies the snapshot from the received files before loading the peer.
 */
class SnapshotRecoveryTest {
    private static final Path DIR = Path.of("/s");
    private static final StoreConfig CFG = StoreConfig.defaults();
    private static final Region REGION = Bootstrap.firstRegion(1, new long[] {1, 2}, new long[] {11, 12});

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void markerLeftByACrashIsReappliedOnOpen() throws IOException {
        final MemFileSystem fsA = new MemFileSystem();
        Bootstrap.bootstrapStore(fsA, DIR, 7, 1, REGION, CFG);
        final GeneratedSnapshot g;
        final MemFileSystem fsB = new MemFileSystem();
        Bootstrap.bootstrapStore(fsB, DIR, 7, 2, REGION, CFG);
        try (Engines a = Engines.open(fsA, DIR, CFG); Engines bE = Engines.open(fsB, DIR, CFG)) {
            final WriteBatch wb = new WriteBatch();
            for (int i = 0; i < 100; i++) {
                wb.put(Cf.DEFAULT, Keys.dataKey(b("k" + i)), b("v" + i));
            }
            wb.put(Keys.META_CF, Keys.applyStateKey(1), RaftApplyState.newBuilder().setAppliedIndex(20)
                    .setTruncatedState(RaftTruncatedState.newBuilder().setIndex(20).setTerm(7)).build().toByteArray());
            a.kv().write(wb, WriteOptions.SYNC);
            final SnapManager smA = new SnapManager(fsA, DIR.resolve("snap"), a.kv(), a.raft());
            final AtomicReference<GeneratedSnapshot> out = new AtomicReference<>();
            smA.requestGeneration(1, out::set);
            smA.doWork();
            g = out.get();
            assertNotNull(g);
            assertEquals(20, g.index());

            // store B: stale data in the region, raft side of the snapshot persisted, kv side not
            bE.kv().put(Cf.DEFAULT, Keys.dataKey(b("stale")), b("x"), WriteOptions.SYNC);
            final SnapManager smB = new SnapManager(fsB, DIR.resolve("snap"), bE.kv(), bE.raft());
            final SnapshotFiles rcv = smB.receivedFiles(1, g.snapshot());
            assertTrue(SnapManager.copyVerified(g.files(), rcv));
            final WriteBatch raft = new WriteBatch();
            raft.put(Keys.META_CF, Keys.snapshotApplyKey(1), g.snapshot().toByteArray());
            raft.put(Keys.META_CF, Keys.raftStateKey(1), RaftLocalState.newBuilder().setLastIndex(20).setLastTerm(7)
                    .setHardState(HardState.newBuilder().setTerm(7).setCommit(20)).build().toByteArray());
            bE.raft().write(raft, WriteOptions.SYNC);
        }
        final MemFileSystem crashed = fsB.crashClone();
        final CachedEpochClock clock = new CachedEpochClock();
        try (Store s = Store.open(crashed, DIR, CFG, new SimTransport(1, clock), clock)) {
            assertArrayEquals(b("v42"), s.engines().kv().get(Cf.DEFAULT, Keys.dataKey(b("k42"))));
            assertNull(s.engines().kv().get(Cf.DEFAULT, Keys.dataKey(b("stale"))));
            assertNull(s.engines().raft().get(Keys.META_CF, Keys.snapshotApplyKey(1)), "marker dropped");
            final SnapshotFiles rcv = s.snapManager().receivedFiles(1, g.snapshot());
            assertFalse(crashed.exists(rcv.dir()), "received files dropped");
            final Peer p = s.router().fsm(1).peer();
            assertEquals(20, p.storage().truncatedIndex());
            assertEquals(20, p.storage().lastIndex());
            assertEquals(20, RaftApplyState.parseFrom(s.engines().kv().get(Keys.META_CF, Keys.applyStateKey(1)))
                    .getAppliedIndex());
        }
    }
}
