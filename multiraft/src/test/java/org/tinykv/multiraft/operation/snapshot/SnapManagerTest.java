package org.tinykv.multiraft.operation.snapshot;

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
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Engines;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** Generation, transfer (copy with checksums), corruption detection and (re-)application of SST snapshots. */
class SnapManagerTest {
    private static final long SEED = Long.getLong("multiraft.seed", 3);
    private static final Path DIR = Path.of("/s");
    private static final StoreConfig CFG = StoreConfig.defaults();
    private static final Region REGION = Region.newBuilder().setId(4)
            .setStartKey(ByteString.copyFromUtf8("b")).setEndKey(ByteString.copyFromUtf8("m"))
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(3).setVersion(2))
            .addPeers(Peer.newBuilder().setId(41).setStoreId(1)).addPeers(Peer.newBuilder().setId(42).setStoreId(2))
            .build();

    private static byte[] dk(final String k) {
        return Keys.dataKey(k.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void generateCopyVerifyApply() throws IOException {
        System.out.println("SnapManagerTest seed=" + SEED);
        final SplittableRandom rnd = new SplittableRandom(SEED);
        final MemFileSystem fs1 = new MemFileSystem();
        Bootstrap.bootstrapStore(fs1, DIR, 1, 1, REGION, CFG);
        final MemFileSystem fs2 = new MemFileSystem();
        Bootstrap.bootstrapEmptyStore(fs2, DIR, 1, 2, CFG);
        try (Engines e1 = Engines.open(fs1, DIR, CFG); Engines e2 = Engines.open(fs2, DIR, CFG)) {
            final Db kv = e1.kv();
            for (int i = 0; i < 200; i++) {
                final String k = "c" + rnd.nextInt(100_000);
                kv.put(Cf.DEFAULT, dk(k), b("v" + i), WriteOptions.NO_SYNC);
                kv.put(Cf.WRITE, dk(k), b("w" + i), WriteOptions.NO_SYNC);
            }
            kv.put(Cf.DEFAULT, dk("a-outside"), b("x"), WriteOptions.NO_SYNC);
            kv.put(Cf.DEFAULT, dk("m"), b("x"), WriteOptions.NO_SYNC);
            kv.put(Cf.DEFAULT, dk("b"), b("first"), WriteOptions.NO_SYNC);
            kv.flush();
            kv.put(Cf.DEFAULT, dk("l-last"), b("mem"), WriteOptions.NO_SYNC);

            final SnapManager sm1 = new SnapManager(fs1, DIR.resolve("snap"), kv, e1.raft());
            final AtomicReference<GeneratedSnapshot> out = new AtomicReference<>();
            sm1.requestGeneration(4, out::set);
            assertEquals(1, sm1.doWork());
            assertEquals(0, sm1.doWork());
            final GeneratedSnapshot g = out.get();
            assertNotNull(g);
            assertEquals(5, g.index());
            assertEquals(5, g.snapshot().getMetadata().getTerm());
            assertEquals(java.util.List.of(41L, 42L), g.snapshot().getMetadata().getConfState().getNodesList());
            assertEquals(2, g.files().meta().getCfFilesCount(), "default and write; lock is empty");
            SnapManager.verify(g.files());

            final SnapManager sm2 = new SnapManager(fs2, DIR.resolve("snap"), e2.kv(), e2.raft());
            final SnapshotFiles rcv = sm2.receivedFiles(4, g.snapshot());
            assertTrue(SnapManager.copyVerified(g.files(), rcv));
            assertTrue(SnapManager.present(rcv));
            // stale data of the region on the receiver must go, data outside the region must stay
            e2.kv().put(Cf.LOCK, dk("d-stale"), b("lock"), WriteOptions.NO_SYNC);
            e2.kv().put(Cf.DEFAULT, dk("z-outside"), b("keep"), WriteOptions.NO_SYNC);
            for (int round = 0; round < 2; round++) {
                final RaftApplyState as = SnapshotApplier.apply(e2.kv(), rcv, g.snapshot(), null);
                assertEquals(5, as.getAppliedIndex());
                assertEquals(5, as.getTruncatedState().getIndex());
                assertArrayEquals(b("first"), e2.kv().get(Cf.DEFAULT, dk("b")));
                assertArrayEquals(b("mem"), e2.kv().get(Cf.DEFAULT, dk("l-last")));
                assertNull(e2.kv().get(Cf.DEFAULT, dk("a-outside")));
                assertNull(e2.kv().get(Cf.DEFAULT, dk("m")));
                assertNull(e2.kv().get(Cf.LOCK, dk("d-stale")));
                assertArrayEquals(b("keep"), e2.kv().get(Cf.DEFAULT, dk("z-outside")));
                assertEquals(REGION, RegionLocalState.parseFrom(e2.kv().get(Keys.META_CF,
                        Keys.regionStateKey(4))).getRegion());
            }
            assertTrue(SnapManager.present(rcv), "received files stay until the raft side drops them");
        }
    }

    @Test
    void corruptedFilesAreDetected() throws IOException {
        final MemFileSystem fs1 = new MemFileSystem();
        Bootstrap.bootstrapStore(fs1, DIR, 1, 1, REGION, CFG);
        try (Engines e1 = Engines.open(fs1, DIR, CFG)) {
            for (int i = 0; i < 50; i++) {
                e1.kv().put(Cf.DEFAULT, dk("c" + i), b("v" + i), WriteOptions.NO_SYNC);
            }
            final SnapManager sm = new SnapManager(fs1, DIR.resolve("snap"), e1.kv(), e1.raft());
            final GeneratedSnapshot g = sm.generate(4);
            final SnapshotCFFile f = g.files().meta().getCfFiles(0);
            final Path p = g.files().path(f);
            flipByte(fs1, p, (int) (f.getSize() / 2));
            final CorruptionException ce = assertThrows(CorruptionException.class, () -> SnapManager.verify(g.files()));
            assertTrue(ce.getMessage().contains("default.sst"), ce.getMessage());
            final MemFileSystem fs2 = new MemFileSystem();
            final SnapshotFiles dst = new SnapshotFiles(fs2, Path.of("/r/rcv_4_5_5"), g.files().meta());
            assertFalse(SnapManager.copyVerified(g.files(), dst));
            assertFalse(fs2.exists(dst.dir()), "no partial files left");
            final Snapshot bad = g.snapshot().toBuilder().setData(ByteString.copyFromUtf8("not a proto \u0001")).build();
            assertThrows(CorruptionException.class, () -> SnapManager.parseData(bad));
        }
    }

    private static void flipByte(final MemFileSystem fs, final Path p, final int at) throws IOException {
        final byte[] data;
        try (RandomAccessFile in = fs.openRandomAccess(p)) {
            data = new byte[(int) in.size()];
            in.read(0, data, 0, data.length);
        }
        data[at] ^= 0x20;
        fs.delete(p);
        try (WritableFile out = fs.create(p)) {
            out.append(data, 0, data.length);
            out.sync();
        }
    }
}
