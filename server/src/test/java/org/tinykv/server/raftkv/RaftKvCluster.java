package org.tinykv.server.raftkv;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.SystemEpochClock;
import org.tinykv.multiraft.operation.split.Split;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.service.KvService;
import org.tinykv.server.storage.LiveLocksFeed;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.LiveLocks;
import org.tinykv.txn.latch.Latches;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * N stores (ids 1..N) of one cluster on in-memory file systems, connected by a fault-free {@link SimTransport},
 * their workers on real threads (20 ms ticks), and one {@link KvService} per store ({@link RaftKv} for the raw API,
 * {@link RaftTxnEngine} under the transactional one) on 127.0.0.1 with an ephemeral port and a client channel.
 * Region 1 covers all keys at first, with peer {@code 10 + s} on store {@code s}; store 1 campaigns before the
 * threads start, so it normally leads. Close stops everything.
 */
final class RaftKvCluster implements AutoCloseable {
    static final long REGION_ID = 1;
    private static final Path DIR = Path.of("/store");
    private static final long RPC_SECONDS = 30;

    final Region region;
    final Map<Long, Store> stores = new LinkedHashMap<>();
    final Map<Long, RaftKv> kvs = new LinkedHashMap<>();
    private final Map<Long, Server> servers = new LinkedHashMap<>();
    private final Map<Long, ManagedChannel> channels = new LinkedHashMap<>();

    private RaftKvCluster(final Region region) {
        this.region = region;
    }

    /** Starts {@code n} stores with a command timeout of {@code timeout}. */
    static RaftKvCluster start(final int n, final Duration timeout) throws IOException {
        final long[] storeIds = new long[n];
        final long[] peerIds = new long[n];
        for (int i = 0; i < n; i++) {
            storeIds[i] = i + 1;
            peerIds[i] = 11 + i;
        }
        final RaftKvCluster c = new RaftKvCluster(Bootstrap.firstRegion(REGION_ID, storeIds, peerIds));
        try {
            c.open(n, timeout);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void open(final int n, final Duration timeout) throws IOException {
        final StoreConfig cfg = new StoreConfig(20, 1, 1, 256, 4L << 20, 4L << 20, PeerConfig.defaults());
        final SimTransport transport = new SimTransport(1, SystemEpochClock.INSTANCE);
        for (long s = 1; s <= n; s++) {
            final MemFileSystem fs = new MemFileSystem();
            Bootstrap.bootstrapStore(fs, DIR, 1, s, region, cfg);
            final Store st = Store.open(fs, DIR, cfg, transport, SystemEpochClock.INSTANCE);
            transport.register(s, st::onRaftMessage);
            transport.registerSnapshotReceiver(s, st::receiveSnapshot);
            stores.put(s, st);
        }
        stores.get(1L).router().fsm(REGION_ID).peer().campaign();
        for (final Store st : stores.values()) {
            st.start();
        }
        for (final Map.Entry<Long, Store> e : stores.entrySet()) {
            final RaftKv kv = RaftKv.over(e.getValue(), timeout);
            kvs.put(e.getKey(), kv);
            final LiveLocks locks = LiveLocksFeed.follow(e.getValue().engines().kv(), new byte[] {Keys.DATA_PREFIX});
            final TxnCommands txn = new TxnCommands(new RaftTxnEngine(kv, locks), new Latches(256));
            final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new KvService(kv, txn, null)).build().start();
            servers.put(e.getKey(), server);
            channels.put(e.getKey(), NettyChannelBuilder.forAddress("127.0.0.1",
                    ((InetSocketAddress) server.getListenSockets().get(0)).getPort()).usePlaintext().build());
        }
    }

    /** A blocking stub to store {@code s}'s service, with a deadline so a stall fails the test. */
    TinyKvGrpc.TinyKvBlockingStub stub(final long s) {
        return TinyKvGrpc.newBlockingStub(channels.get(s)).withDeadlineAfter(RPC_SECONDS, TimeUnit.SECONDS);
    }

    /** The routing context for {@code r} on store {@code s}: region id, epoch and the store's peer. */
    static Context ctx(final long s, final Region r) {
        final Peer p = RegionChecks.findPeer(r, s);
        return Context.newBuilder().setRegionId(r.getId()).setRegionEpoch(r.getRegionEpoch())
                .setPeer(p == null ? Peer.newBuilder().setStoreId(s).build() : p).build();
    }

    /**
     * The store whose peer of {@code r} serves reads, found as a client would: a RawGet of {@code key} (in
     * {@code r}), following NotLeader hints; bounded by a 10 s deadline while the election runs.
     */
    long leaderOf(final Region r, final byte[] key) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long target = r.getPeers(0).getStoreId();
        Error last = null;
        while (System.nanoTime() < deadline) {
            final RawGetResponse resp = stub(target).rawGet(RawGetRequest.newBuilder().setContext(ctx(target, r))
                    .setKey(ByteString.copyFrom(key)).build());
            if (!resp.hasRegionError()) {
                return target;
            }
            last = resp.getRegionError();
            target = last.getNotLeader().hasLeader() ? last.getNotLeader().getLeader().getStoreId()
                    : nextPeerStore(r, target);
        }
        throw new AssertionError("no leader of region " + r.getId() + " within 10 s; last error: " + last);
    }

    private static long nextPeerStore(final Region r, final long store) {
        final List<Peer> peers = r.getPeersList();
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).getStoreId() == store) {
                return peers.get((i + 1) % peers.size()).getStoreId();
            }
        }
        return peers.get(0).getStoreId();
    }

    /**
     * Splits region {@code r} at {@code splitKey} through its leader on store {@code leader}: the right half gets
     * region id {@code newRegionId} and peer ids {@code 10 * newRegionId + s}. Returns the store's response.
     */
    RaftCmdResponse split(final Region r, final long leader, final byte[] splitKey, final long newRegionId)
            throws Exception {
        final AskSplitResponse.Builder ids = AskSplitResponse.newBuilder().setNewRegionId(newRegionId);
        for (final Peer p : r.getPeersList()) {
            ids.addNewPeerIds(10 * newRegionId + p.getStoreId());
        }
        final CompletableFuture<RaftCmdResponse> done = new CompletableFuture<>();
        stores.get(leader).propose(Split.request(r, RegionChecks.findPeer(r, leader), splitKey, ids.build()),
                (resp, snap) -> done.complete(resp));
        return done.get(RPC_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        for (final ManagedChannel ch : channels.values()) {
            ch.shutdownNow();
        }
        for (final Server s : servers.values()) {
            s.shutdownNow();
        }
        try {
            for (final ManagedChannel ch : channels.values()) {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            }
            for (final Server s : servers.values()) {
                s.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException first = null;
        for (final Store st : stores.values()) {
            try {
                st.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
