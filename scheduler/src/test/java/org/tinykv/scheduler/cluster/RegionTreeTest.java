package org.tinykv.scheduler.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;

import com.google.protobuf.ByteString;

class RegionTreeTest {

    static ByteString k(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static RegionInfo region(long id, String start, String end, long leaderStore, long sizeMib, long... stores) {
        Region.Builder b = Region.newBuilder().setId(id).setStartKey(k(start)).setEndKey(k(end))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        Peer leader = null;
        for (long s : stores) {
            Peer p = Peer.newBuilder().setId(id * 100 + s).setStoreId(s).build();
            b.addPeers(p);
            if (s == leaderStore) {
                leader = p;
            }
        }
        return new RegionInfo(b.build(), leader, List.of(), sizeMib * RegionInfo.MIB);
    }

    @Test
    void lookupByKeyPrevAndScan() {
        RegionTree t = new RegionTree();
        t.put(region(1, "", "b", 1, 1, 1));
        t.put(region(2, "b", "d", 1, 1, 1));
        t.put(region(3, "f", "", 1, 1, 1)); // gap [d, f)
        assertEquals(1, t.getByKey(k("")).id());
        assertEquals(1, t.getByKey(k("a\u00ff")).id());
        assertEquals(2, t.getByKey(k("b")).id());
        assertNull(t.getByKey(k("e")));
        assertEquals(3, t.getByKey(k("zzzz")).id());
        assertEquals(1, t.getPrev(k("c")).id());
        assertNull(t.getPrev(k("a")));
        assertNull(t.getPrev(k("g")), "gap before region 3");
        assertEquals(List.of(1L, 2L, 3L), ids(t.scan(k(""), k(""), 0)));
        assertEquals(List.of(2L, 3L), ids(t.scan(k("c"), k(""), 0)));
        assertEquals(List.of(2L), ids(t.scan(k("c"), k("f"), 0)));
        assertEquals(List.of(1L, 2L), ids(t.scan(k(""), k(""), 2)));
    }

    @Test
    void unsignedKeyOrder() {
        RegionTree t = new RegionTree();
        ByteString hi = ByteString.copyFrom(new byte[] {(byte) 0x80});
        RegionEpoch e = RegionEpoch.getDefaultInstance();
        t.put(new RegionInfo(Region.newBuilder().setId(1).setEndKey(hi).setRegionEpoch(e).build(), null, List.of(), 0));
        t.put(new RegionInfo(Region.newBuilder().setId(2).setStartKey(hi).setRegionEpoch(e).build(), null, List.of(),
                0));
        assertEquals(1, t.getByKey(ByteString.copyFrom(new byte[] {0x7f})).id());
        assertEquals(2, t.getByKey(ByteString.copyFrom(new byte[] {(byte) 0xff})).id());
    }

    @Test
    void putReplacesOverlapsAndKeepsStoreStats() {
        RegionTree t = new RegionTree();
        t.put(region(1, "", "m", 1, 10, 1, 2, 3));
        t.put(region(2, "m", "", 2, 20, 1, 2, 3));
        assertEquals(new StoreRegionStats(1, 2, 10, 30, 0), t.stats(1));
        assertEquals(new StoreRegionStats(1, 2, 20, 30, 0), t.stats(2));
        // split of region 1: the right half arrives first and overlaps region 1
        List<RegionInfo> removed = t.put(region(3, "g", "m", 3, 5, 1, 2, 3));
        assertEquals(List.of(1L), ids(removed));
        assertNull(t.get(1));
        assertEquals(2, t.size());
        assertEquals(new StoreRegionStats(1, 2, 5, 25, 0), t.stats(3));
        // region 2 moves its range (same id): the old entry goes away
        t.put(region(2, "n", "", 2, 20, 1, 2));
        assertNull(t.getByKey(k("m")));
        assertEquals(new StoreRegionStats(1, 1, 5, 5, 0), t.stats(3), "only region 3, which it leads");
    }

    @Test
    void randomizedAgainstModel() {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("RegionTreeTest.randomizedAgainstModel seed=" + seed);
        Random rnd = new Random(seed);
        RegionTree t = new RegionTree();
        TreeMap<Integer, int[]> model = new TreeMap<>(); // start -> {end, id}
        for (int step = 0; step < 2000; step++) {
            int a = rnd.nextInt(100);
            int b = a + 1 + rnd.nextInt(10);
            int id = 1 + rnd.nextInt(50);
            model.values().removeIf(v -> v[1] == id);
            model.entrySet().removeIf(e -> e.getKey() < b && e.getValue()[0] > a);
            model.put(a, new int[] {b, id});
            t.put(region(id, key(a), key(b), 1, 1, 1));
            int probe = rnd.nextInt(112);
            var floor = model.floorEntry(probe);
            Integer want = floor != null && floor.getValue()[0] > probe ? floor.getValue()[1] : null;
            RegionInfo got = t.getByKey(k(key(probe)));
            assertEquals(want, got == null ? null : (int) got.id(), "seed=" + seed + " step=" + step);
            assertEquals(model.size(), t.size(), "seed=" + seed);
            assertEquals(model.size(), t.stats(1).regionCount(), "seed=" + seed);
        }
        assertTrue(t.size() > 0);
    }

    static String key(int i) {
        return String.format("%04d", i);
    }

    static List<Long> ids(List<RegionInfo> rs) {
        List<Long> out = new ArrayList<>();
        for (RegionInfo r : rs) {
            out.add(r.id());
        }
        return out;
    }
}
