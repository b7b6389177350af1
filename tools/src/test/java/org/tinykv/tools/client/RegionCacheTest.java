package org.tinykv.tools.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.tinykv.tools.client.FakeCluster.key;
import static org.tinykv.tools.client.FakeCluster.region;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.errorpb.EpochNotMatch;
import org.tinykv.proto.errorpb.NotLeader;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;

/** The cache's bookkeeping: lookups by key, updates from errors, and updates that arrive out of date. */
class RegionCacheTest {
    private FakeCluster cluster;
    private RegionCache cache;
    private final Region whole = region(1, ByteString.EMPTY, ByteString.EMPTY, 1, 1, 2, 3);

    @BeforeEach
    void start() throws Exception {
        cluster = new FakeCluster(3);
        cluster.setRegions(whole);
        cache = cluster.client(Duration.ofSeconds(5)).regionCache();
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static byte[] k(final String s) {
        return key(s).toByteArray();
    }

    @Test
    void withoutALeaderFromTheSchedulerTheFirstPeerLeads() {
        assertEquals(0, cache.locate(k("a")).leaderIndex());
        assertSame(cache.locate(k("a")), cache.locate(k("zzz")));
        assertEquals(1, cluster.getRegionCalls.get());
    }

    @Test
    void aHintOnAStoreOutsideTheRegionDropsIt() {
        final CachedRegion r = cache.locate(k("a"));
        cache.onNotLeader(r, NotLeader.newBuilder().setRegionId(1)
            .setLeader(Peer.newBuilder().setId(99).setStoreId(9)).build());
        assertNull(cache.cached(1));
    }

    @Test
    void aSecondNoHintFromTheSameViewDoesNotSkipAPeer() {
        final CachedRegion r = cache.locate(k("a"));
        cache.onNotLeader(r, NotLeader.newBuilder().setRegionId(1).build());
        cache.onNotLeader(r, NotLeader.newBuilder().setRegionId(1).build()); // a concurrent request, same view
        assertEquals(1, cache.cached(1).leaderIndex());
    }

    @Test
    void epochNotMatchIgnoresRegionsOlderThanTheCachedOnes() {
        final CachedRegion r = cache.locate(k("a"));
        final Region left = region(1, ByteString.EMPTY, key("m"), 3, 1, 2, 3);
        final Region right = region(5, key("m"), ByteString.EMPTY, 3, 1, 2, 3);
        cache.onEpochNotMatch(r, EpochNotMatch.newBuilder().addCurrentRegions(left).addCurrentRegions(right).build());
        // a late answer carrying an older view of region 5
        final Region oldRight = region(5, key("m"), ByteString.EMPTY, 2, 1, 2, 3);
        cache.onEpochNotMatch(cache.cached(1), EpochNotMatch.newBuilder().addCurrentRegions(oldRight).build());
        assertEquals(right, cache.cached(5).region());
        assertNull(cache.cached(1), "the answering region itself was dropped");
    }

    @Test
    void insertingARegionEvictsTheOnesItOverlaps() {
        cluster.setRegions(region(1, ByteString.EMPTY, key("c"), 2, 1), region(2, key("c"), key("f"), 2, 1),
            region(3, key("f"), ByteString.EMPTY, 2, 1));
        cache.locate(k("a"));
        cache.locate(k("d"));
        cache.locate(k("x"));
        assertEquals(3, cache.regions().size());
        // a merge-like view: one region now covers [b, g)
        final Region wide = region(7, key("b"), key("g"), 5, 1);
        cache.onEpochNotMatch(cache.cached(2), EpochNotMatch.newBuilder().addCurrentRegions(wide).build());
        assertEquals(List.of(7L), cache.regions().stream().map(CachedRegion::id).toList());
    }

    @Test
    void updatesFromAnOutdatedViewAreIgnored() {
        final CachedRegion seen = cache.locate(k("a"));
        final Region newer = region(1, ByteString.EMPTY, ByteString.EMPTY, 2, 1, 2, 3);
        cache.onEpochNotMatch(seen, EpochNotMatch.newBuilder().addCurrentRegions(newer).build());
        cache.invalidate(seen); // a request that still held the old epoch
        cache.onSendFail(seen);
        assertEquals(newer, cache.cached(1).region());
        assertEquals(0, cache.cached(1).sendFailures());
    }
}
