package org.tinykv.multiraft.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Engines;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.raft.CompactedException;
import org.tinykv.raft.RaftState;
import org.tinykv.raft.UnavailableException;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.mem.MemFileSystem;

class PeerStorageTest {
    private static final Path DIR = Path.of("/s");
    private static final long SEED = Long.getLong("multiraft.seed", 7L);
    private static final StoreConfig CFG = StoreConfig.defaults();
    private static final Region REGION = Region.newBuilder().setId(3)
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
            .addPeers(Peer.newBuilder().setId(31).setStoreId(1)).addPeers(Peer.newBuilder().setId(32).setStoreId(2))
            .build();

    private static List<Entry> entries(final long from, final long to, final long term, final int size) {
        final List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.newBuilder().setIndex(i).setTerm(term)
                    .setData(ByteString.copyFrom(new byte[size])).build());
        }
        return out;
    }

    private static void persist(final Engines e, final PeerStorage ps, final List<Entry> ents, final HardState hs)
            throws IOException {
        final WriteBatch wb = new WriteBatch();
        ps.append(ents, wb);
        if (hs != null) {
            ps.setHardState(hs);
        }
        ps.writeRaftState(wb);
        e.raft().write(wb, WriteOptions.SYNC);
    }

    @Test
    void bootstrapStateAndRestartRecoversEntriesAndHardState() throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapStore(fs, DIR, 1, 1, REGION, CFG);
        try (Engines e = Engines.open(fs, DIR, CFG)) {
            final PeerStorage ps = PeerStorage.load(3, e.kv(), e.raft());
            assertEquals(PeerStorage.INIT_INDEX + 1, ps.firstIndex());
            assertEquals(PeerStorage.INIT_INDEX, ps.lastIndex());
            assertEquals(PeerStorage.INIT_TERM, ps.term(PeerStorage.INIT_INDEX));
            final RaftState st = ps.initialState();
            assertEquals(List.of(31L, 32L), st.confState().getNodesList());
            assertEquals(PeerStorage.INIT_INDEX, st.hardState().getCommit());
            persist(e, ps, entries(6, 40, 6, 100), HardState.newBuilder().setTerm(6).setVote(31).setCommit(20)
                    .build());
            // conflicting suffix replaced by a new term
            persist(e, ps, entries(30, 32, 7, 10), HardState.newBuilder().setTerm(7).setVote(32).setCommit(25)
                    .build());
            assertEquals(32, ps.lastIndex());
        }
        // the machine crashes: only synced data survives
        final MemFileSystem crashed = fs.crashClone();
        try (Engines e = Engines.open(crashed, DIR, CFG)) {
            final PeerStorage ps = PeerStorage.load(3, e.kv(), e.raft());
            assertEquals(32, ps.lastIndex());
            assertEquals(7, ps.raftState().getLastTerm());
            final HardState hs = ps.initialState().hardState();
            assertEquals(7, hs.getTerm());
            assertEquals(32, hs.getVote());
            assertEquals(25, hs.getCommit());
            final List<Entry> all = ps.entries(6, 33, Long.MAX_VALUE);
            assertEquals(27, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(6 + i, all.get(i).getIndex());
                assertEquals(6 + i < 30 ? 6 : 7, all.get(i).getTerm());
            }
            assertEquals(6, ps.term(29));
            assertEquals(7, ps.term(31));
            assertThrows(CompactedException.class, () -> ps.entries(5, 7, Long.MAX_VALUE));
            assertThrows(CompactedException.class, () -> ps.term(4));
            assertThrows(UnavailableException.class, () -> ps.entries(30, 34, Long.MAX_VALUE));
            assertThrows(UnavailableException.class, () -> ps.term(33));
            // the deleted suffix (33..40) must not come back
            assertEquals(null, e.raft().get(Keys.META_CF, Keys.raftLogKey(3, 33)));
        }
    }

    @Test
    void sizeLimitedReadsFromCacheAndEngineAgree() throws IOException {
        System.out.println("PeerStorageTest seed=" + SEED);
        final SplittableRandom rnd = new SplittableRandom(SEED);
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapStore(fs, DIR, 1, 1, REGION, CFG);
        try (Engines e = Engines.open(fs, DIR, CFG)) {
            final PeerStorage ps = PeerStorage.load(3, e.kv(), e.raft());
            // more than the cache holds, so reads span engine and cache
            for (long i = 6; i < 3000; i += 100) {
                persist(e, ps, entries(i, i + 99, 6, 50), null);
            }
            final PeerStorage cold = PeerStorage.load(3, e.kv(), e.raft());
            for (int round = 0; round < 200; round++) {
                final long lo = 6 + rnd.nextLong(ps.lastIndex() - 5);
                final long hi = lo + rnd.nextLong(ps.lastIndex() + 2 - lo);
                final long max = rnd.nextLong(5000);
                final List<Entry> a = ps.entries(lo, hi, max);
                final List<Entry> b = cold.entries(lo, hi, max);
                assertEquals(a, b, "lo=" + lo + " hi=" + hi + " max=" + max + " seed=" + SEED);
                if (hi > lo) {
                    assertTrue(!a.isEmpty(), "at least one entry");
                    long size = 0;
                    for (final Entry x : a) {
                        size += x.getSerializedSize();
                    }
                    assertTrue(a.size() == 1 || size <= max, "size limit");
                    assertTrue(a.size() == hi - lo || size + entrySize(ps, lo + a.size()) > max, "not truncated early");
                    for (int i = 0; i < a.size(); i++) {
                        assertEquals(lo + i, a.get(i).getIndex());
                    }
                }
            }
        }
    }

    private static long entrySize(final PeerStorage ps, final long index) {
        return ps.entries(index, index + 1, Long.MAX_VALUE).get(0).getSerializedSize();
    }

    @Test
    void splitCreatedRegionStartsAtTheInitialPosition() throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapStore(fs, DIR, 1, 1, REGION, CFG);
        final Region right = REGION.toBuilder().setId(8).setStartKey(ByteString.copyFromUtf8("m"))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(2)).build();
        try (Engines e = Engines.open(fs, DIR, CFG)) {
            e.kv().write(new WriteBatch()
                    .put(Keys.META_CF, Keys.regionStateKey(8), org.tinykv.proto.raft_serverpb.RegionLocalState
                            .newBuilder().setRegion(right).build().toByteArray())
                    .put(Keys.META_CF, Keys.applyStateKey(8), org.tinykv.proto.raft_serverpb.RaftApplyState
                            .newBuilder().setAppliedIndex(PeerStorage.INIT_INDEX).setTruncatedState(
                                    org.tinykv.proto.raft_serverpb.RaftTruncatedState.newBuilder()
                                            .setIndex(PeerStorage.INIT_INDEX).setTerm(PeerStorage.INIT_TERM))
                            .build().toByteArray()), WriteOptions.SYNC);
            final PeerStorage ps = PeerStorage.load(8, e.kv(), e.raft());
            assertEquals(PeerStorage.INIT_INDEX, ps.lastIndex());
            assertEquals(PeerStorage.INIT_TERM, ps.term(PeerStorage.INIT_INDEX));
            assertEquals(right, ps.region());
            final org.tinykv.proto.raft_serverpb.RaftLocalState prev = org.tinykv.proto.raft_serverpb.RaftLocalState
                    .newBuilder().setHardState(HardState.newBuilder().setTerm(9).setVote(4)).build();
            final var st = PeerStorage.splitInitialState(prev);
            assertEquals(9, st.getHardState().getTerm(), "a higher term of an earlier uninitialized peer is kept");
            assertEquals(4, st.getHardState().getVote());
            assertEquals(PeerStorage.INIT_INDEX, st.getLastIndex());
        }
    }

    @Test
    void missingStateIsReportedAsCorruption() throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapStore(fs, DIR, 1, 1, REGION, CFG);
        try (Engines e = Engines.open(fs, DIR, CFG)) {
            e.raft().delete(Keys.META_CF, Keys.raftStateKey(3), WriteOptions.SYNC);
            final CorruptionException ex = assertThrows(CorruptionException.class,
                    () -> PeerStorage.load(3, e.kv(), e.raft()));
            assertTrue(ex.getMessage().contains("raft state missing"), ex.getMessage());
            e.kv().put(Keys.META_CF, Keys.applyStateKey(3), new byte[] {(byte) 0xff, 1}, WriteOptions.SYNC);
            assertThrows(CorruptionException.class, () -> PeerStorage.load(3, e.kv(), e.raft()));
        }
    }

    @Test
    void bootstrapRefusesAnotherStoresDir() throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        Bootstrap.bootstrapStore(fs, DIR, 1, 1, REGION, CFG);
        Bootstrap.bootstrapStore(fs, DIR, 1, 1, REGION, CFG);
        assertThrows(IOException.class, () -> Bootstrap.bootstrapStore(fs, DIR, 1, 2, REGION, CFG));
        assertThrows(IOException.class, () -> Bootstrap.bootstrapStore(new MemFileSystem(), DIR, 1, 9, REGION, CFG));
    }

    @Test
    void keysSortByRegionThenIndexAndMetaBeforeData() {
        final byte[] a = Keys.raftLogKey(1, 255);
        final byte[] b = Keys.raftLogKey(1, 256);
        final byte[] c = Keys.raftLogKey(2, 1);
        assertTrue(java.util.Arrays.compareUnsigned(a, b) < 0);
        assertTrue(java.util.Arrays.compareUnsigned(b, c) < 0);
        assertTrue(java.util.Arrays.compareUnsigned(Keys.raftLogKey(1, Long.MAX_VALUE), Keys.raftStateKey(1)) < 0);
        assertEquals(256, Keys.raftLogIndex(b));
        assertTrue(java.util.Arrays.compareUnsigned(Keys.regionStateKey(Long.MAX_VALUE), Keys.dataKey(new byte[0]))
                < 0);
        assertEquals(77, Keys.regionIdOfMetaKey(Keys.regionStateKey(77)));
        assertEquals("k", new String(Keys.originKey(Keys.dataKey("k".getBytes(
                java.nio.charset.StandardCharsets.UTF_8))), java.nio.charset.StandardCharsets.UTF_8));
    }
}
