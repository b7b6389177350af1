package org.tinykv.scheduler.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.metapb.Cluster;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.schedulerpb.StoreStats;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.scheduler.meta.MetaKeys;
import org.tinykv.scheduler.sim.ManualClock;
import org.tinykv.wal.CorruptionException;

import com.google.protobuf.ByteString;

class ClusterStateTest {

    final ManualClock clock = new ManualClock(1000);
    final MemMetaStore meta = new MemMetaStore();

    static Store store(long id) {
        return Store.newBuilder().setId(id).setAddress("h:" + id).build();
    }

    static RegionInfo region(long id, String start, String end, long confVer, long version, long leaderStore) {
        Region.Builder b = Region.newBuilder().setId(id).setStartKey(ByteString.copyFromUtf8(start))
                .setEndKey(ByteString.copyFromUtf8(end))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(confVer).setVersion(version));
        for (long s = 1; s <= 3; s++) {
            b.addPeers(Peer.newBuilder().setId(id * 10 + s).setStoreId(s));
        }
        Region r = b.build();
        return new RegionInfo(r, r.getPeers((int) leaderStore - 1), List.of(), 5 * RegionInfo.MIB);
    }

    ClusterState bootstrapped() throws Exception {
        ClusterState c = ClusterState.open(meta, clock, () -> 77);
        assertTrue(c.bootstrap(store(1), 3));
        c.putStore(store(2));
        c.putStore(store(3));
        return c;
    }

    @Test
    void clusterIdIsCreatedOnceAndPersisted() throws Exception {
        ClusterState a = ClusterState.open(meta, clock, () -> 77);
        ClusterState b = ClusterState.open(meta, clock, () -> 99);
        assertEquals(77, a.clusterId());
        assertEquals(77, b.clusterId());
        assertFalse(b.isBootstrapped());
    }

    @Test
    void bootstrapTwiceIsRefusedAndStateSurvivesReopen() throws Exception {
        ClusterState c = bootstrapped();
        assertFalse(c.bootstrap(store(9), 3));
        c.handleRegionHeartbeat(region(5, "", "", 1, 1, 1));
        c.updateGcSafePoint(100);
        c.putConfig(Cluster.newBuilder().setId(77).setMaxPeerCount(5).build());
        ClusterState r = ClusterState.open(meta, clock, () -> 1);
        assertTrue(r.isBootstrapped());
        assertEquals(3, r.stores().size());
        assertEquals(5, r.region(5).id());
        assertNull(r.region(5).leader(), "leaders are not persisted");
        assertEquals(100, r.gcSafePoint());
        assertEquals(5, r.maxReplicas());
    }

    @Test
    void staleHeartbeatsAreRefused() throws Exception {
        ClusterState c = bootstrapped();
        c.handleRegionHeartbeat(region(5, "", "", 2, 2, 1));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> c.handleRegionHeartbeat(region(5, "", "", 1, 2, 1)));
        assertEquals(InvalidRequestException.Kind.STALE, e.kind());
        assertThrows(InvalidRequestException.class, () -> c.handleRegionHeartbeat(region(5, "", "", 2, 1, 1)));
        // a newer conf_ver with the same version is accepted; leader changes are tracked
        c.handleRegionHeartbeat(region(5, "", "", 3, 2, 2));
        assertEquals(2, c.region(5).leader().getStoreId());
        assertEquals(1, c.regionStats(2).leaderCount());
        assertEquals(0, c.regionStats(1).leaderCount());
    }

    @Test
    void splitReplacesOverlapsAndOlderOverlapIsStale() throws Exception {
        ClusterState c = bootstrapped();
        c.handleRegionHeartbeat(region(5, "", "", 1, 1, 1));
        // right half of a split reports first, with a newer version: it replaces region 5
        c.handleRegionHeartbeat(region(6, "m", "", 1, 2, 1));
        assertNull(c.region(5));
        assertNull(meta.get(MetaKeys.regionKey(5)), "overlapped region deleted from disk");
        // an old report of region 5 covering everything is now stale against region 6
        assertThrows(InvalidRequestException.class, () -> c.handleRegionHeartbeat(region(5, "", "", 1, 1, 1)));
        c.handleRegionHeartbeat(region(5, "", "m", 1, 2, 1));
        assertEquals(5, c.regionByKey(ByteString.copyFromUtf8("a")).id());
        assertEquals(6, c.regionByKey(ByteString.copyFromUtf8("m")).id());
        assertEquals(5, c.prevRegion(ByteString.copyFromUtf8("x")).id());
        assertEquals(2, c.scanRegions(ByteString.EMPTY, ByteString.EMPTY, 0).size());
    }

    @Test
    void invalidRegionsAreRefused() throws Exception {
        ClusterState c = bootstrapped();
        assertThrows(InvalidRequestException.class, () -> c.handleRegionHeartbeat(region(0, "", "", 1, 1, 1)));
        assertThrows(InvalidRequestException.class, () -> c.handleRegionHeartbeat(region(7, "b", "a", 1, 1, 1)));
        assertThrows(InvalidRequestException.class, () -> c.handleRegionHeartbeat(
                new RegionInfo(Region.newBuilder().setId(8).build(), null, List.of(), 0)));
    }

    @Test
    void storesTombstoneDuplicateAddressAndHeartbeat() throws Exception {
        ClusterState c = bootstrapped();
        InvalidRequestException dup = assertThrows(InvalidRequestException.class,
                () -> c.putStore(Store.newBuilder().setId(4).setAddress("h:1").build()));
        assertEquals(InvalidRequestException.Kind.INVALID, dup.kind());
        assertThrows(InvalidRequestException.class, () -> c.putStore(Store.newBuilder().setId(0).setAddress("x")
                .build()));
        c.setStoreState(3, StoreState.Tombstone);
        InvalidRequestException t = assertThrows(InvalidRequestException.class, () -> c.putStore(store(3)));
        assertEquals(InvalidRequestException.Kind.TOMBSTONE, t.kind());
        assertEquals(InvalidRequestException.Kind.TOMBSTONE, assertThrows(InvalidRequestException.class,
                () -> c.storeHeartbeat(StoreStats.newBuilder().setStoreId(3).build())).kind());
        assertEquals(InvalidRequestException.Kind.NOT_FOUND, assertThrows(InvalidRequestException.class,
                () -> c.storeHeartbeat(StoreStats.newBuilder().setStoreId(42).build())).kind());
        clock.advance(500);
        c.storeHeartbeat(StoreStats.newBuilder().setStoreId(2).setCapacity(10).build());
        assertEquals(1500, c.store(2).lastHeartbeatMillis());
        assertEquals(10, c.store(2).stats().getCapacity());
        // re-putting a store updates its address and keeps its state
        c.putStore(Store.newBuilder().setId(2).setAddress("h:22").setState(StoreState.Offline).build());
        assertEquals("h:22", c.store(2).meta().getAddress());
        assertEquals(StoreState.Up, c.store(2).meta().getState());
    }

    @Test
    void gcSafePointNeverGoesBack() throws Exception {
        ClusterState c = bootstrapped();
        assertEquals(10, c.updateGcSafePoint(10));
        assertEquals(10, c.updateGcSafePoint(5));
        assertEquals(-1L, c.updateGcSafePoint(-1L), "u64 max is larger than 10");
    }

    @Test
    void corruptValueIsReportedWithItsKey() throws Exception {
        bootstrapped();
        meta.put(MetaKeys.storeKey(2), new byte[] {(byte) 0xff, (byte) 0xff});
        CorruptionException e = assertThrows(CorruptionException.class, () -> ClusterState.open(meta, clock, () -> 1));
        assertTrue(e.getMessage().contains("store/"), e.getMessage());
        meta.put(MetaKeys.GC_SAFE_POINT, new byte[3]);
        meta.put(MetaKeys.storeKey(2), store(2).toByteArray());
        assertNotNull(assertThrows(CorruptionException.class, () -> ClusterState.open(meta, clock, () -> 1)));
    }

    @Test
    void splitValidation() throws Exception {
        ClusterState c = bootstrapped();
        c.handleRegionHeartbeat(region(5, "", "", 1, 1, 1));
        c.validateSplitRegion(region(5, "", "", 1, 1, 1).meta());
        assertThrows(InvalidRequestException.class, () -> c.validateSplitRegion(region(5, "", "", 1, 2, 1).meta()));
        assertThrows(InvalidRequestException.class, () -> c.validateSplitRegion(region(6, "", "", 1, 1, 1).meta()));
    }
}
