package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.multiraft.operation.split.SplitConfig;
import org.tinykv.multiraft.operation.split.SplitKeyPolicy;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.store.Store;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;

/** 3 stores write until the region splits; both regions elect leaders, serve their keys and survive restarts. */
class SplitTest {
    private static final long SEED = Long.getLong("multiraft.seed", 21);
    static final SplitConfig SPLIT = new SplitConfig(400, 4, SplitKeyPolicy.encodedUserKey());

    @Test
    void writeUntilSplitThenServeBothRegions() throws IOException {
        System.out.println("SplitTest seed=" + SEED);
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1000);
        try (TestCluster c = new TestCluster(3, SEED, 32L << 20, 1000, pd, SPLIT)) {
            c.waitLeader();
            for (int i = 0; i < 40; i++) {
                assertNotNull(put(c, key(i), "value-" + i), "put " + i + " seed=" + SEED + c.describe());
            }
            assertTrue(c.runUntil(() -> allStoresHaveRegions(c, 2), 2000), "split everywhere, seed=" + SEED);
            assertTrue(c.runUntil(() -> leaderOf(c, key(0)) != null && leaderOf(c, key(39)) != null
                    && leaderOf(c, key(0)).regionId() != leaderOf(c, key(39)).regionId(), 2000),
                    "both regions have leaders, seed=" + SEED);
            for (int i = 0; i < 40; i++) {
                assertEquals("value-" + i, get(c, key(i)), "get " + i + " seed=" + SEED);
            }
            final Peer left = leaderOf(c, key(0));
            final Region lr = left.region();
            final String firstRight = lr.getEndKey().toStringUtf8();
            assertTrue(c.runUntil(() -> leaderOf(c, firstRight) != null, 1000));
            final Peer right = leaderOf(c, firstRight);
            assertTrue(right.regionId() != left.regionId(), "the next key lives in another region");
            assertEquals(lr.getEndKey(), right.region().getStartKey(), "adjacent regions");
            assertTrue(lr.getRegionEpoch().getVersion() > 1, "split bumps the version");

            final RegionEpoch old = lr.getRegionEpoch().toBuilder()
                    .setVersion(lr.getRegionEpoch().getVersion() - 1).build();
            final RaftCmdResponse stale = call(c, left, old, TestCluster.get(firstRight));
            assertTrue(stale.getHeader().getError().hasEpochNotMatch(), stale.toString());
            assertEquals(2, stale.getHeader().getError().getEpochNotMatch().getCurrentRegionsCount(),
                    "EpochNotMatch carries the region and its split sibling: " + stale);
            assertEquals(right.region().getId(), stale.getHeader().getError().getEpochNotMatch()
                    .getCurrentRegions(1).getId());
            final RaftCmdResponse wrong = call(c, left, lr.getRegionEpoch(), TestCluster.get(firstRight));
            assertTrue(wrong.getHeader().getError().hasKeyNotInRegion(), wrong.toString());
            final int regions = c.stores.get(1L).router().size();
            assertTrue(c.runUntil(() -> pd.regionHeartbeats().size() == regions, 500), "all regions reported");

            for (final long s : List.of(1L, 2L, 3L)) {
                c.crashStore(s);
                c.startStore(s);
            }
            assertTrue(allStoresHaveRegions(c, regions), "regions reloaded from disk");
            for (int i = 0; i < 40; i += 3) {
                assertEquals("value-" + i, get(c, key(i)), "after restart: get " + i + " seed=" + SEED);
            }
            assertNotNull(put(c, key(99), "late"));
            assertEquals("late", get(c, key(99)));
        }
    }

    static String key(final int i) {
        return String.format("key-%03d", i);
    }

    static boolean allStoresHaveRegions(final TestCluster c, final int n) {
        for (final Store st : c.stores.values()) {
            if (st.router().size() < n) {
                return false;
            }
        }
        return true;
    }

    /** The leader peer (highest term) of the region holding {@code key}, or null. */
    static Peer leaderOf(final TestCluster c, final String key) {
        Peer best = null;
        for (final Store st : c.stores.values()) {
            for (final Peer p : st.router().peers()) {
                if (p.isLeader() && p.region().getPeersCount() > 0
                        && RegionChecks.keyInRegion(key.getBytes(), p.region())
                        && (best == null || p.status().hardState().getTerm() > best.status().hardState().getTerm())) {
                    best = p;
                }
            }
        }
        return best;
    }

    static RaftCmdResponse call(final TestCluster c, final Peer to, final RegionEpoch epoch, final Request r) {
        final RaftCmdRequest req = RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder()
                .setRegionId(to.regionId()).setPeer(to.meta()).setRegionEpoch(epoch)).addRequests(r).build();
        final TestCluster.Call call = c.submitRaw(to.meta().getStoreId(), req);
        c.runUntil(call::done, 500);
        return call.response();
    }

    /** Sends {@code r} about {@code key} to its region's leader, retrying on errors; null if it never succeeds. */
    static RaftCmdResponse route(final TestCluster c, final String key, final Request r) {
        final List<String> errors = new ArrayList<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            final Peer p = leaderOf(c, key);
            if (p == null) {
                c.runUntil(() -> false, 20);
                continue;
            }
            final RaftCmdResponse resp = call(c, p, p.region().getRegionEpoch(), r);
            if (resp != null && !resp.getHeader().hasError()) {
                return resp;
            }
            errors.add(String.valueOf(resp));
            c.runUntil(() -> false, 10);
        }
        System.out.println("route " + key + " failed: " + errors);
        return null;
    }

    static RaftCmdResponse put(final TestCluster c, final String key, final String value) {
        return route(c, key, TestCluster.put(key, value));
    }

    static String get(final TestCluster c, final String key) {
        final RaftCmdResponse r = route(c, key, TestCluster.get(key));
        return r == null ? "<failed>" : r.getResponses(0).getGet().getValue().toStringUtf8();
    }

    static ByteString bytes(final String s) {
        return ByteString.copyFromUtf8(s);
    }
}
