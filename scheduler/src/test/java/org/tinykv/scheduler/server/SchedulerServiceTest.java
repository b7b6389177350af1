package org.tinykv.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.Cluster;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AllocIDRequest;
import org.tinykv.proto.schedulerpb.AskSplitRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.BootstrapRequest;
import org.tinykv.proto.schedulerpb.ErrorType;
import org.tinykv.proto.schedulerpb.GetAllStoresRequest;
import org.tinykv.proto.schedulerpb.GetClusterConfigRequest;
import org.tinykv.proto.schedulerpb.GetGCSafePointRequest;
import org.tinykv.proto.schedulerpb.GetMembersRequest;
import org.tinykv.proto.schedulerpb.GetMembersResponse;
import org.tinykv.proto.schedulerpb.GetOperatorRequest;
import org.tinykv.proto.schedulerpb.GetOperatorResponse;
import org.tinykv.proto.schedulerpb.GetRegionByIDRequest;
import org.tinykv.proto.schedulerpb.GetRegionRequest;
import org.tinykv.proto.schedulerpb.GetRegionResponse;
import org.tinykv.proto.schedulerpb.GetStoreRequest;
import org.tinykv.proto.schedulerpb.IsBootstrappedRequest;
import org.tinykv.proto.schedulerpb.OperatorStatus;
import org.tinykv.proto.schedulerpb.PutClusterConfigRequest;
import org.tinykv.proto.schedulerpb.PutStoreRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.ReportSplitRequest;
import org.tinykv.proto.schedulerpb.RequestHeader;
import org.tinykv.proto.schedulerpb.ResponseHeader;
import org.tinykv.proto.schedulerpb.ScanRegionsRequest;
import org.tinykv.proto.schedulerpb.ScanRegionsResponse;
import org.tinykv.proto.schedulerpb.ScatterRegionRequest;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;
import org.tinykv.proto.schedulerpb.StoreStats;
import org.tinykv.proto.schedulerpb.TsoRequest;
import org.tinykv.proto.schedulerpb.TsoResponse;
import org.tinykv.proto.schedulerpb.UpdateGCSafePointRequest;
import org.tinykv.scheduler.SchedulerServer;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.config.SchedulerConfig;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.OperatorKind;
import org.tinykv.scheduler.operator.Step;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/** Every RPC over a real gRPC server on loopback (in-process scheduler, in-memory metadata). */
class SchedulerServiceTest {

    SchedulerServer server;
    ManagedChannel channel;
    SchedulerGrpc.SchedulerBlockingStub stub;
    SchedulerGrpc.SchedulerStub async;
    RequestHeader header;

    @BeforeEach
    void start() throws Exception {
        SchedulerConfig d = SchedulerConfig.defaults(null).withClientUrl("http://127.0.0.1:0");
        ScheduleConfig s = d.schedule();
        // balancing tolerances so large that the background coordinator never interferes with these tests
        ScheduleConfig quiet = new ScheduleConfig(s.maxReplicas(), s.maxStoreDownMillis(), s.leaderScheduleLimit(),
                s.regionScheduleLimit(), s.replicaScheduleLimit(), s.storeLimit(), s.leaderOperatorTimeoutMillis(),
                s.regionOperatorTimeoutMillis(), s.scheduleIntervalMillis(), s.patrolIntervalMillis(),
                s.patrolBatch(), 1_000_000, 1_000_000);
        SchedulerConfig cfg = new SchedulerConfig(d.name(), d.dataDir(), d.clientUrl(), null, "info",
                d.tsoWindowMillis(), d.idBatch(), quiet);
        server = SchedulerServer.start(cfg, new MemMetaStore(), Clock.systemUTC(), new Random(7));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        stub = SchedulerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        async = SchedulerGrpc.newStub(channel);
        header = RequestHeader.newBuilder().setClusterId(server.clusterId()).build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    static Store store(long id) {
        return Store.newBuilder().setId(id).setAddress("127.0.0.1:" + (20160 + id)).build();
    }

    void bootstrap3() {
        assertFalse(stub.bootstrap(BootstrapRequest.newBuilder().setHeader(header).setStore(store(1)).build())
                .getHeader().hasError());
        for (long s = 2; s <= 3; s++) {
            assertFalse(stub.putStore(PutStoreRequest.newBuilder().setHeader(header).setStore(store(s)).build())
                    .getHeader().hasError());
        }
    }

    static Region region(long id, String start, String end, long version, long... stores) {
        Region.Builder b = Region.newBuilder().setId(id).setStartKey(ByteString.copyFromUtf8(start))
                .setEndKey(ByteString.copyFromUtf8(end))
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(version));
        for (long s : stores) {
            b.addPeers(Peer.newBuilder().setId(id * 10 + s).setStoreId(s));
        }
        return b.build();
    }

    RegionHeartbeatRequest hb(Region r) {
        return RegionHeartbeatRequest.newBuilder().setHeader(header).setRegion(r).setLeader(r.getPeers(0))
                .setApproximateSize(1 << 20).build();
    }

    /**
     * Waits until the server has processed everything sent on {@code s} so far: a stream's messages are handled in
     * order, and an invalid report (region id 0) is answered with an error on the stream of the leader's store.
     */
    void barrier(StreamObserver<RegionHeartbeatRequest> s, StreamClient<RegionHeartbeatResponse> c)
            throws InterruptedException {
        s.onNext(RegionHeartbeatRequest.newBuilder().setHeader(header).setRegion(Region.newBuilder().setId(0))
                .setLeader(Peer.newBuilder().setId(11).setStoreId(1)).build());
        RegionHeartbeatResponse resp = c.nextMessage();
        assertTrue(resp.getHeader().getError().getMessage().contains("invalid region id 0"), resp.toString());
    }

    @Test
    void getMembersReportsClusterIdAndUrl() {
        GetMembersResponse m = stub.getMembers(GetMembersRequest.getDefaultInstance());
        assertNotEquals(0, m.getHeader().getClusterId());
        assertEquals(List.of("http://127.0.0.1:" + server.port()), m.getLeader().getClientUrlsList());
        assertEquals(1, m.getMembersCount());
    }

    @Test
    void beforeBootstrap() throws Exception {
        assertFalse(stub.isBootstrapped(IsBootstrappedRequest.newBuilder().setHeader(header).build())
                .getBootstrapped());
        assertTrue(stub.allocID(AllocIDRequest.newBuilder().setHeader(header).build()).getId() > 0);
        ResponseHeader h = stub.getStore(GetStoreRequest.newBuilder().setHeader(header).setStoreId(1).build())
                .getHeader();
        assertEquals(ErrorType.NOT_BOOTSTRAPPED, h.getError().getType());
        assertEquals(server.clusterId(), h.getClusterId());
        assertEquals(ErrorType.NOT_BOOTSTRAPPED, stub.getRegion(GetRegionRequest.newBuilder().setHeader(header)
                .build()).getHeader().getError().getType());
        assertEquals(ErrorType.NOT_BOOTSTRAPPED, stub.putStore(PutStoreRequest.newBuilder().setHeader(header)
                .setStore(store(1)).build()).getHeader().getError().getType());
        StreamClient<RegionHeartbeatResponse> c = new StreamClient<>();
        async.regionHeartbeat(c);
        assertEquals(ErrorType.NOT_BOOTSTRAPPED, c.nextMessage().getHeader().getError().getType());
        assertEquals(StreamClient.COMPLETED, c.next());
    }

    @Test
    void wrongClusterIdIsFailedPrecondition() throws Exception {
        RequestHeader bad = RequestHeader.newBuilder().setClusterId(server.clusterId() + 1).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.allocID(AllocIDRequest.newBuilder().setHeader(bad).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        StreamClient<TsoResponse> c = new StreamClient<>();
        StreamObserver<TsoRequest> req = async.tso(c);
        req.onNext(TsoRequest.newBuilder().setHeader(bad).setCount(1).build());
        Object ev = c.next();
        assertTrue(ev instanceof StatusRuntimeException s
                && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION, String.valueOf(ev));
        bootstrap3();
        StreamClient<RegionHeartbeatResponse> h = new StreamClient<>();
        async.regionHeartbeat(h).onNext(hb(region(5, "", "", 1, 1, 2, 3)).toBuilder().setHeader(bad).build());
        Object ev2 = h.next();
        assertTrue(ev2 instanceof StatusRuntimeException s
                && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION, String.valueOf(ev2));
    }

    @Test
    void bootstrapStoresAndConfig() {
        bootstrap3();
        assertEquals(ErrorType.ALREADY_BOOTSTRAPPED, stub.bootstrap(BootstrapRequest.newBuilder().setHeader(header)
                .setStore(store(9)).build()).getHeader().getError().getType());
        assertTrue(stub.isBootstrapped(IsBootstrappedRequest.newBuilder().setHeader(header).build())
                .getBootstrapped());
        assertEquals("127.0.0.1:20162", stub.getStore(GetStoreRequest.newBuilder().setHeader(header).setStoreId(2)
                .build()).getStore().getAddress());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.getStore(GetStoreRequest.newBuilder().setHeader(header).setStoreId(42).build()));
        assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
        assertEquals(3, stub.getAllStores(GetAllStoresRequest.newBuilder().setHeader(header)
                .setExcludeTombstoneStores(true).build()).getStoresCount());
        assertFalse(stub.storeHeartbeat(StoreHeartbeatRequest.newBuilder().setHeader(header)
                .setStats(StoreStats.newBuilder().setStoreId(2).setCapacity(100)).build()).getHeader().hasError());
        assertEquals(100, stub.getStore(GetStoreRequest.newBuilder().setHeader(header).setStoreId(2).build())
                .getStats().getCapacity());
        assertEquals(Status.Code.UNKNOWN, assertThrows(StatusRuntimeException.class,
                () -> stub.storeHeartbeat(StoreHeartbeatRequest.newBuilder().setHeader(header)
                        .setStats(StoreStats.newBuilder().setStoreId(42)).build())).getStatus().getCode());
        Cluster c = stub.getClusterConfig(GetClusterConfigRequest.newBuilder().setHeader(header).build())
                .getCluster();
        assertEquals(server.clusterId(), c.getId());
        assertEquals(3, c.getMaxPeerCount());
        stub.putClusterConfig(PutClusterConfigRequest.newBuilder().setHeader(header)
                .setCluster(c.toBuilder().setMaxPeerCount(5)).build());
        assertEquals(5, stub.getClusterConfig(GetClusterConfigRequest.newBuilder().setHeader(header).build())
                .getCluster().getMaxPeerCount());
        assertThrows(StatusRuntimeException.class, () -> stub.putClusterConfig(PutClusterConfigRequest.newBuilder()
                .setHeader(header).setCluster(c.toBuilder().setId(c.getId() + 1)).build()));
        assertEquals(0, stub.getGCSafePoint(GetGCSafePointRequest.newBuilder().setHeader(header).build())
                .getSafePoint());
        assertEquals(50, stub.updateGCSafePoint(UpdateGCSafePointRequest.newBuilder().setHeader(header)
                .setSafePoint(50).build()).getNewSafePoint());
        assertEquals(50, stub.updateGCSafePoint(UpdateGCSafePointRequest.newBuilder().setHeader(header)
                .setSafePoint(40).build()).getNewSafePoint());
        assertEquals(50, stub.getGCSafePoint(GetGCSafePointRequest.newBuilder().setHeader(header).build())
                .getSafePoint());
    }

    @Test
    void regionsHeartbeatsSplitsAndOperators() throws Exception {
        bootstrap3();
        GetRegionResponse none = stub.getRegion(GetRegionRequest.newBuilder().setHeader(header).build());
        assertFalse(none.hasRegion(), "no region before the first heartbeat");
        StreamClient<RegionHeartbeatResponse> c1 = new StreamClient<>();
        StreamObserver<RegionHeartbeatRequest> s1 = async.regionHeartbeat(c1);
        Region left = region(5, "", "m", 2, 1, 2, 3);
        Region right = region(6, "m", "", 2, 1, 2, 3);
        s1.onNext(hb(left));
        s1.onNext(hb(right));
        barrier(s1, c1);
        GetRegionResponse r = stub.getRegion(GetRegionRequest.newBuilder().setHeader(header)
                .setRegionKey(ByteString.copyFromUtf8("a")).build());
        assertEquals(5, r.getRegion().getId());
        assertEquals(51, r.getLeader().getId());
        assertEquals(2, r.getSlavesCount());
        assertEquals(5, stub.getPrevRegion(GetRegionRequest.newBuilder().setHeader(header)
                .setRegionKey(ByteString.copyFromUtf8("z")).build()).getRegion().getId());
        assertEquals(6, stub.getRegionByID(GetRegionByIDRequest.newBuilder().setHeader(header).setRegionId(6)
                .build()).getRegion().getId());
        ScanRegionsResponse scan = stub.scanRegions(ScanRegionsRequest.newBuilder().setHeader(header).build());
        assertEquals(2, scan.getRegionsCount());
        assertEquals(2, scan.getLeadersCount());
        assertEquals(1, stub.scanRegions(ScanRegionsRequest.newBuilder().setHeader(header).setLimit(1).build())
                .getRegionsCount());
        // a stale report gets an error response on the stream of the leader's store
        s1.onNext(hb(region(5, "", "m", 1, 1, 2, 3)));
        RegionHeartbeatResponse err = c1.nextMessage();
        assertEquals(ErrorType.UNKNOWN, err.getHeader().getError().getType());
        // AskSplit / ReportSplit
        AskSplitResponse split = stub.askSplit(AskSplitRequest.newBuilder().setHeader(header).setRegion(left)
                .build());
        assertEquals(3, split.getNewPeerIdsCount());
        assertTrue(split.getNewRegionId() > 0);
        assertThrows(StatusRuntimeException.class, () -> stub.askSplit(AskSplitRequest.newBuilder()
                .setHeader(header).setRegion(region(99, "", "", 1, 1)).build()));
        assertFalse(stub.reportSplit(ReportSplitRequest.newBuilder().setHeader(header).setLeft(left)
                .setRight(right).build()).getHeader().hasError());
        assertThrows(StatusRuntimeException.class, () -> stub.reportSplit(ReportSplitRequest.newBuilder()
                .setHeader(header).setLeft(right).setRight(left).build()));
        assertFalse(stub.scatterRegion(ScatterRegionRequest.newBuilder().setHeader(header).setRegionId(5).build())
                .getHeader().hasError());
        assertThrows(StatusRuntimeException.class, () -> stub.scatterRegion(ScatterRegionRequest.newBuilder()
                .setHeader(header).setRegionId(77).build()));
        // GetOperator: none yet, then a running one whose order reaches the leader's stream
        assertEquals(ErrorType.REGION_NOT_FOUND, stub.getOperator(GetOperatorRequest.newBuilder().setHeader(header)
                .setRegionId(5).build()).getHeader().getError().getType());
        RegionInfo r5 = server.cluster().region(5);
        Operator op = new Operator(r5, OperatorKind.LEADER, "test", List.of(new Step.TransferLeaderStep(1, 2)),
                System.currentTimeMillis(), 60_000);
        assertTrue(server.operators().add(op, r5));
        RegionHeartbeatResponse order = c1.nextMessage();
        assertEquals(5, order.getRegionId());
        assertEquals(52, order.getTransferLeader().getPeer().getId());
        assertEquals(51, order.getTargetPeer().getId());
        assertEquals(left.getRegionEpoch(), order.getRegionEpoch());
        GetOperatorResponse got = stub.getOperator(GetOperatorRequest.newBuilder().setHeader(header)
                .setRegionId(5).build());
        assertEquals(OperatorStatus.RUNNING, got.getStatus());
        assertEquals("leader", got.getKind().toStringUtf8());
        // the kv side moves the leader; the next heartbeat finishes the operator
        s1.onNext(hb(left).toBuilder().setLeader(left.getPeers(1)).build());
        barrier(s1, c1);
        GetOperatorResponse done = stub.getOperator(GetOperatorRequest.newBuilder().setHeader(header)
                .setRegionId(5).build());
        assertEquals(OperatorStatus.SUCCESS, done.getStatus());
        // unknown leader store ends the stream
        s1.onNext(hb(region(7, "zz", "", 1, 9)));
        Object end = c1.next();
        assertTrue(end instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNKNOWN,
                String.valueOf(end));
        assertEquals(ConfChangeType.AddNode, ConfChangeType.forNumber(0));
    }

    @Test
    void tsoIsStrictlyIncreasingAcross8ConcurrentStreams() throws Exception {
        long seed = Long.getLong("scheduler.seed", System.nanoTime());
        System.out.println("tso seed=" + seed);
        int streams = 8;
        int perStream = 500;
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        List<Future<List<long[]>>> results = new ArrayList<>();
        for (int t = 0; t < streams; t++) {
            Random rnd = new Random(seed + t);
            results.add(pool.submit(() -> {
                StreamClient<TsoResponse> c = new StreamClient<>();
                StreamObserver<TsoRequest> req = async.tso(c);
                List<long[]> got = new ArrayList<>();
                for (int i = 0; i < perStream; i++) {
                    int count = 1 + rnd.nextInt(100);
                    req.onNext(TsoRequest.newBuilder().setHeader(header).setCount(count).build());
                    TsoResponse resp = c.nextMessage();
                    assertEquals(count, resp.getCount());
                    assertTrue(resp.getTimestamp().getLogical() < (1 << 18));
                    assertTrue(resp.getTimestamp().getLogical() >= count - 1);
                    long ts = resp.getTimestamp().getPhysical() << 18 | resp.getTimestamp().getLogical();
                    got.add(new long[] {ts - count + 1, ts});
                }
                req.onCompleted();
                assertEquals(StreamClient.COMPLETED, c.next());
                return got;
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<List<long[]>> f : results) {
            List<long[]> got = f.get(60, TimeUnit.SECONDS);
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i)[0] > got.get(i - 1)[1], "per-stream order, seed=" + seed);
            }
            all.addAll(got);
        }
        pool.shutdown();
        all.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i)[0] > all.get(i - 1)[1], "ranges never overlap, seed=" + seed);
        }
        long physical = all.get(all.size() - 1)[1] >>> 18;
        assertTrue(Math.abs(physical - System.currentTimeMillis()) < 60_000, "physical is wall-clock ms");
        StreamClient<TsoResponse> c = new StreamClient<>();
        async.tso(c).onNext(TsoRequest.newBuilder().setHeader(header).setCount(0).build());
        Object ev = c.next();
        assertTrue(ev instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNKNOWN);
    }
}
