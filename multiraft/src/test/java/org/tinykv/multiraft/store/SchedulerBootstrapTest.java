package org.tinykv.multiraft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.multiraft.fsm.PeerFsm;
import org.tinykv.multiraft.operation.heartbeat.HeartbeatConfig;
import org.tinykv.multiraft.pd.ForwardingSchedulerClient;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.proto.schedulerpb.ChangePeer;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** The first store bootstraps the cluster through the scheduler; the others join empty and get peers by operator. */
class SchedulerBootstrapTest {
    private static final Path DIR = Path.of("/store");
    private static final long SEED = Long.getLong("multiraft.seed", 3);

    @Test
    void firstStoreBootstrapsOthersJoinByOperators() throws IOException {
        System.out.println("SchedulerBootstrapTest seed=" + SEED);
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1);
        final CachedEpochClock clock = new CachedEpochClock();
        final SimTransport transport = new SimTransport(SEED, clock);
        final StoreConfig cfg = new StoreConfig(50, 1, 1, 256, 4L << 20, 4L << 20,
                org.tinykv.multiraft.peer.PeerConfig.defaults().withSeed(SEED));
        final List<MemFileSystem> fss = new ArrayList<>();
        final List<Store> stores = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                final MemFileSystem fs = new MemFileSystem();
                final SchedulerClient client = pd.forStore();
                final long id = SchedulerBootstrap.prepare(fs, DIR, 7, "127.0.0.1:" + (20160 + i), client, cfg);
                assertEquals(id, SchedulerBootstrap.prepare(fs, DIR, 7, "127.0.0.1:" + (20160 + i), client, cfg),
                        "a restarted store keeps its id");
                assertNotNull(pd.store(id));
                final Store st = Store.open(fs, DIR, cfg, transport, clock, client, HeartbeatConfig.defaults());
                transport.register(id, st::onRaftMessage);
                transport.registerSnapshotReceiver(id, st::receiveSnapshot);
                fss.add(fs);
                stores.add(st);
            }
            assertEquals(1, stores.get(0).router().size(), "the first store holds the first region");
            assertEquals(0, stores.get(1).router().size());
            final Store first = stores.get(0);
            final long regionId = first.router().peers().get(0).regionId();
            assertTrue(run(stores, transport, clock, () -> leader(first, regionId) != null, 500));
            final Region region = leader(first, regionId).region();
            assertTrue(region.getStartKey().isEmpty() && region.getEndKey().isEmpty(), "covers all keys");

            final CompletableFuture<RaftCmdResponse> put = new CompletableFuture<>();
            first.propose(RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder().setRegionId(regionId)
                    .setPeer(region.getPeers(0)).setRegionEpoch(region.getRegionEpoch()))
                    .addRequests(Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v"))))
                    .build(), (r, s) -> put.complete(r));
            assertTrue(run(stores, transport, clock, put::isDone, 200));
            assertTrue(!put.join().getHeader().hasError(), put.join().toString());

            for (int i = 1; i < 3; i++) {
                final long storeId = stores.get(i).storeId();
                final Peer p = Peer.newBuilder().setId(pd.forStore().allocId()).setStoreId(storeId).build();
                final int members = i + 1;
                pd.pushOperator(RegionHeartbeatResponse.newBuilder().setRegionId(regionId)
                        .setRegionEpoch(leader(first, regionId).region().getRegionEpoch())
                        .setChangePeer(ChangePeer.newBuilder().setPeer(p).setChangeType(ConfChangeType.AddNode))
                        .build());
                final Store joined = stores.get(i);
                assertTrue(run(stores, transport, clock, () -> leader(first, regionId).region().getPeersCount()
                        == members && value(joined, "k") != null, 1500), "store " + storeId + " joined, seed=" + SEED);
            }
            assertEquals(3, pd.lastRegionHeartbeat(regionId).getRegion().getPeersCount());
        } finally {
            for (final Store st : stores) {
                st.close();
            }
        }
    }

    @Test
    void storeLosingTheBootstrapRaceStartsEmpty() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1);
        final StoreConfig cfg = StoreConfig.defaults();
        SchedulerBootstrap.prepare(new MemFileSystem(), DIR, 7, "a:1", pd.forStore(), cfg);
        final SchedulerClient real = pd.forStore();
        final boolean[] asked = {false};
        final SchedulerClient racing = new ForwardingSchedulerClient(real) {
            @Override
            public boolean isBootstrapped() throws IOException {
                final boolean first = !asked[0];
                asked[0] = true;
                return !first && real.isBootstrapped(); // the first answer predates the other store's bootstrap
            }
        };
        final MemFileSystem fs = new MemFileSystem();
        final long id = SchedulerBootstrap.prepare(fs, DIR, 7, "b:1", racing, cfg);
        final CachedEpochClock clock = new CachedEpochClock();
        try (Store st = Store.open(fs, DIR, cfg, new SimTransport(1, clock), clock)) {
            assertEquals(id, st.storeId());
            assertEquals(0, st.router().size(), "the prepared region was dropped");
        }
    }

    private static org.tinykv.multiraft.peer.Peer leader(final Store st, final long regionId) {
        final PeerFsm f = st.router().fsm(regionId);
        return f != null && f.peer().isLeader() ? f.peer() : null;
    }

    private static String value(final Store st, final String key) {
        try {
            final byte[] v = st.engines().kv().get(Cf.DEFAULT, Keys.dataKey(key.getBytes()));
            return v == null ? null : new String(v);
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean run(final List<Store> stores, final SimTransport t, final CachedEpochClock clock,
                               final BooleanSupplier cond, final int steps) {
        for (int i = 0; i < steps && !cond.getAsBoolean(); i++) {
            t.doWork();
            for (final Store st : stores) {
                st.doWork();
            }
            clock.advance(10);
        }
        return cond.getAsBoolean();
    }

}
