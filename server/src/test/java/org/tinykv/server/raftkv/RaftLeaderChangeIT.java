package org.tinykv.server.raftkv;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.TransferLeaderRequest;
import org.tinykv.txn.workload.BankWorkload;
import org.tinykv.txn.workload.Tso;

/**
 * The bank workload through gRPC while the region's leadership moves to another store twice: clients follow
 * NotLeader hints and retry the other region errors (as TinySQL does); the total stays the same at every audit and
 * the leader really changed. Replay the workload's seed with {@code -Dserver.raft.leaderchange.seed=}.
 */
@Timeout(120)
class RaftLeaderChangeIT {
    private static final long SEED = Long.getLong("server.raft.leaderchange.seed", System.nanoTime());

    @Test
    void bankTotalIsConservedAcrossLeaderTransfers() throws Exception {
        System.out.println("RaftLeaderChangeIT seed=" + SEED);
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RaftKvCluster cluster = RaftKvCluster.start(3, Duration.ofSeconds(5))) {
            final long first = cluster.leaderOf(cluster.region, new byte[] {0});
            final LeaderTxnApi api = new LeaderTxnApi(cluster, first, true);
            final Future<BankWorkload.Outcome> run = pool.submit(() -> BankWorkload.run(api, new Tso(),
                    new BankWorkload.Params(4, 40, SEED, "server.raft.leaderchange.seed", 90_000)));
            long leader = first;
            for (int i = 0; i < 2 && !run.isDone(); i++) {
                final long target = leader % 3 + 1;
                final RaftCmdResponse r = transfer(cluster, leader, target);
                assertFalse(r.getHeader().hasError(), r.toString());
                leader = waitForLeader(cluster, target);
            }
            final BankWorkload.Outcome outcome = run.get(100, TimeUnit.SECONDS);
            assertNotEquals(first, leader, "leadership moved during the run");
            assertTrue(outcome.committed() > 0, "no transfer committed, seed=" + SEED);
            assertTrue(outcome.audits() > 0, "no audit ran, seed=" + SEED);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Asks the leader on store {@code from} to hand leadership to its peer on store {@code to}. */
    private static RaftCmdResponse transfer(final RaftKvCluster cluster, final long from, final long to)
            throws Exception {
        final Peer self = RegionChecks.findPeer(cluster.region, from);
        final RaftCmdRequest req = RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(cluster.region.getId()).setPeer(self)
                        .setRegionEpoch(cluster.region.getRegionEpoch()))
                .setAdminRequest(AdminRequest.newBuilder().setCmdType(AdminCmdType.TransferLeader)
                        .setTransferLeader(TransferLeaderRequest.newBuilder()
                                .setPeer(RegionChecks.findPeer(cluster.region, to))))
                .build();
        final CompletableFuture<RaftCmdResponse> done = new CompletableFuture<>();
        cluster.stores.get(from).propose(req, (resp, snap) -> done.complete(resp));
        return done.get(30, TimeUnit.SECONDS);
    }

    /** The leader once it is {@code target}, or whichever store leads after a 10 s deadline. */
    private static long waitForLeader(final RaftKvCluster cluster, final long target) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long leader = cluster.leaderOf(cluster.region, new byte[] {0});
        while (leader != target && System.nanoTime() < deadline) {
            leader = cluster.leaderOf(cluster.region, new byte[] {0});
        }
        return leader;
    }
}
