package org.tinykv.tools.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.tools.client.FakeCluster.key;
import static org.tinykv.tools.client.FakeCluster.region;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.errorpb.EpochNotMatch;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.errorpb.NotLeader;
import org.tinykv.proto.errorpb.RegionNotFound;
import org.tinykv.proto.errorpb.StaleCommand;
import org.tinykv.proto.errorpb.StoreNotMatch;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.txn.types.MemComparable;

/**
 * {@link ClusterClient} against a fake scheduler and three fake stores on loopback, each test scripting the region
 * errors and transport failures the stores answer: the client ends at the right store with the right Context,
 * caches what it learned, retries within its deadline (a manual clock advanced by its backoff sleeps), and gives up
 * with an error naming the last trouble.
 */
class ClusterClientTest {
    private static final String CF = "default";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private FakeCluster cluster;
    private final Region whole = region(1, ByteString.EMPTY, ByteString.EMPTY, 1, 1, 2, 3);

    @BeforeEach
    void start() throws Exception {
        cluster = new FakeCluster(3);
        cluster.setRegions(whole);
        cluster.leaders.put(1L, 1L);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static Error notLeader(final Peer hint) {
        final NotLeader.Builder nl = NotLeader.newBuilder().setRegionId(1);
        if (hint != null) {
            nl.setLeader(hint);
        }
        return Error.newBuilder().setMessage("not leader").setNotLeader(nl).build();
    }

    private static Context context(final Region r, final long store) {
        final Peer p = r.getPeersList().stream().filter(x -> x.getStoreId() == store).findFirst().orElseThrow();
        return Context.newBuilder().setRegionId(r.getId()).setRegionEpoch(r.getRegionEpoch()).setPeer(p).build();
    }

    @Test
    void sendsToTheLeaderWithItsContextAndCachesTheRoute() {
        cluster.leaders.put(1L, 2L);
        final ClusterClient client = cluster.client(DEADLINE);
        assertEquals("", client.rawPut(key("a"), key("1"), CF).getError());
        assertEquals(key("1"), client.rawGet(key("a"), CF).getValue());
        assertEquals(2, cluster.receivedBy(2).size());
        assertEquals(context(whole, 2), cluster.receivedBy(2).get(0).context());
        assertEquals(context(whole, 2), cluster.receivedBy(2).get(1).context());
        assertEquals(1, cluster.getRegionCalls.get());
        assertEquals(1, cluster.getStoreCalls.get());
        assertEquals(1, client.storeChannels());
        assertEquals(1, cluster.stores.get(2L).connections.get());
    }

    @Test
    void requestsTakeAStoresConnectionsInTurn() {
        cluster.leaders.put(1L, 2L);
        final ClusterClient client = cluster.client(DEADLINE, 3);
        for (int i = 0; i < 6; i++) {
            assertEquals("", client.rawPut(key("k" + i), key("v" + i), CF).getError());
            assertEquals(key("v" + i), client.rawGetAsync(key("k" + i), CF).join().getValue());
        }
        assertEquals(12, cluster.receivedBy(2).size());
        assertEquals(3, cluster.stores.get(2L).connections.get(), "every connection carried requests");
        assertEquals(1, client.storeChannels(), "channels are counted per store");
    }

    @Test
    void connectionsPerStoreAreBounded() {
        final ClusterClientOptions defaults = ClusterClientOptions.defaults();
        assertEquals(1, defaults.connectionsPerStore());
        assertThrows(IllegalArgumentException.class, () -> defaults.withConnectionsPerStore(0));
        assertThrows(IllegalArgumentException.class,
            () -> defaults.withConnectionsPerStore(ClusterClientOptions.MAX_CONNECTIONS_PER_STORE + 1));
    }

    @Test
    void notLeaderWithAHintGoesToTheHintedLeader() {
        cluster.stores.get(1L).script.add(notLeader(whole.getPeers(2)));
        final ClusterClient client = cluster.client(DEADLINE);
        client.rawPut(key("a"), key("1"), CF);
        assertEquals(1, cluster.receivedBy(1).size());
        assertEquals(context(whole, 3), cluster.receivedBy(3).get(0).context());
        assertEquals(1L, client.retriedErrors().get(RegionErrorKind.NOT_LEADER));
        client.rawPut(key("b"), key("2"), CF);
        assertEquals(2, cluster.receivedBy(3).size(), "the new leader is cached");
        assertEquals(1, cluster.getRegionCalls.get());
    }

    @Test
    void asyncCallsRouteFromTheCacheAndFallBackToRetriesOnARegionError() throws Exception {
        final ClusterClient client = cluster.client(DEADLINE);
        assertEquals("", client.rawPutAsync(key("a"), key("1"), CF).get(20, TimeUnit.SECONDS).getError(),
            "nothing cached yet: routed through the scheduler");
        assertEquals(key("1"), client.rawGetAsync(key("a"), CF).get(20, TimeUnit.SECONDS).getValue(),
            "sent straight to the cached leader");
        assertEquals(2, cluster.receivedBy(1).size());
        cluster.stores.get(1L).script.add(notLeader(whole.getPeers(2)));
        assertEquals("", client.rawPutAsync(key("b"), key("2"), CF).get(20, TimeUnit.SECONDS).getError());
        assertEquals(3, cluster.receivedBy(1).size());
        assertEquals(context(whole, 3), cluster.receivedBy(3).get(0).context(), "resent to the hinted leader");
        assertEquals(1L, client.retriedErrors().get(RegionErrorKind.NOT_LEADER));
        assertEquals(1, cluster.getRegionCalls.get());
    }

    @Test
    void notLeaderWithoutAHintTriesTheNextPeer() {
        cluster.stores.get(1L).script.add(notLeader(null));
        cluster.stores.get(2L).script.add(notLeader(null));
        final ClusterClient client = cluster.client(DEADLINE);
        client.rawPut(key("a"), key("1"), CF);
        assertEquals(List.of(1L, 2L, 3L), cluster.log.stream().map(FakeCluster.Received::storeId).toList());
        assertEquals(context(whole, 3), cluster.receivedBy(3).get(0).context());
        assertEquals(2L, client.retriedErrors().get(RegionErrorKind.NOT_LEADER));
    }

    @Test
    void epochNotMatchReplacesTheRegionByTheCurrentOnes() {
        final Region left = region(1, ByteString.EMPTY, key("m"), 2, 1, 2, 3);
        final Region right = region(5, key("m"), ByteString.EMPTY, 2, 1, 2, 3);
        cluster.stores.get(1L).script.add(Error.newBuilder().setMessage("epoch not match")
            .setEpochNotMatch(EpochNotMatch.newBuilder().addCurrentRegions(left).addCurrentRegions(right)).build());
        final ClusterClient client = cluster.client(DEADLINE);
        client.rawPut(key("x"), key("1"), CF);
        assertEquals(context(whole, 1), cluster.log.get(0).context());
        assertEquals(context(right, 1), cluster.log.get(1).context(), "resent to the answering store's peer");
        client.rawPut(key("a"), key("2"), CF);
        assertEquals(context(left, 1), cluster.log.get(2).context());
        assertEquals(1, cluster.getRegionCalls.get(), "both halves came from the error, not the scheduler");
        assertEquals(2, client.regionCache().regions().size());
        assertEquals(1L, client.retriedErrors().get(RegionErrorKind.EPOCH_NOT_MATCH));
    }

    @Test
    void regionNotFoundThenTheRegionIsElsewhere() {
        final Region moved = whole.toBuilder().setRegionEpoch(whole.getRegionEpoch().toBuilder().setConfVer(2))
            .build();
        final ClusterClient client = cluster.client(DEADLINE);
        client.regionCache().locate(key("a").toByteArray());
        cluster.setRegions(moved);
        cluster.leaders.put(1L, 3L);
        cluster.stores.get(1L).script.add(Error.newBuilder().setMessage("region 1 not found")
            .setRegionNotFound(RegionNotFound.newBuilder().setRegionId(1)).build());
        client.rawPut(key("a"), key("1"), CF);
        assertEquals(context(moved, 3), cluster.receivedBy(3).get(0).context());
        assertEquals(2, cluster.getRegionCalls.get());
        assertTrue(cluster.clock.get() > 1_000_000_000L, "backed off before reloading");
    }

    @Test
    void storeNotMatchResolvesTheStoreAgain() throws Exception {
        final ClusterClient client = cluster.client(DEADLINE);
        client.rawPut(key("a"), key("1"), CF);
        // store 1 moved: its old address now reaches store 2, which says so; the scheduler knows the new address
        try (FakeStore moved = new FakeStore(1, cluster)) {
            cluster.addressOverrides.put(1L, moved.address());
            cluster.stores.get(1L).script.add(Error.newBuilder().setMessage("store not match")
                .setStoreNotMatch(StoreNotMatch.newBuilder().setRequestStoreId(1).setActualStoreId(2)).build());
            client.rawPut(key("b"), key("2"), CF);
            assertEquals(2, cluster.getStoreCalls.get());
            assertEquals(1L, client.retriedErrors().get(RegionErrorKind.STORE_NOT_MATCH));
            assertEquals(3, cluster.log.size());
            assertEquals(context(whole, 1), cluster.log.get(2).context());
            assertEquals(2, client.storeChannels());
        }
    }

    @Test
    void aDeadStoreIsSkippedForTheNextPeer() throws Exception {
        final ClusterClient client = cluster.client(DEADLINE);
        client.rawPut(key("a"), key("1"), CF);
        cluster.stores.get(1L).stop();
        client.rawPut(key("b"), key("2"), CF);
        assertEquals(context(whole, 2), cluster.receivedBy(2).get(0).context());
        assertEquals(1L, client.retriedErrors().get(RegionErrorKind.TRANSPORT));
        assertEquals(2, cluster.getStoreCalls.get(), "store 2 resolved; store 1 forgotten until used again");
    }

    @Test
    void unavailableFromEveryPeerReloadsTheRegion() {
        for (long s = 1; s <= 3; s++) {
            cluster.stores.get(s).script.add(Status.UNAVAILABLE.withDescription("scripted"));
        }
        final ClusterClient client = cluster.client(DEADLINE);
        client.rawPut(key("a"), key("1"), CF);
        assertEquals(List.of(1L, 2L, 3L, 1L), cluster.log.stream().map(FakeCluster.Received::storeId).toList());
        assertEquals(2, cluster.getRegionCalls.get(), "every peer failed: the region is reloaded");
        assertEquals(3L, client.retriedErrors().get(RegionErrorKind.TRANSPORT));
    }

    @Test
    void givesUpAtTheDeadlineNamingTheLastError() {
        final ClusterClient client = cluster.client(Duration.ofSeconds(2));
        for (int i = 0; i < 1000; i++) {
            cluster.stores.get(1L).script.add(Error.newBuilder().setMessage("stale").setStaleCommand(
                StaleCommand.getDefaultInstance()).build());
        }
        final long start = cluster.clock.get();
        final ClusterClientException e = assertThrows(ClusterClientException.class,
            () -> client.rawPut(key("a"), key("1"), CF));
        assertTrue(e.getMessage().startsWith("RawPut gave up after "), e.getMessage());
        assertTrue(e.getMessage().contains("last error: stale_command"), e.getMessage());
        assertTrue(cluster.clock.get() - start < Duration.ofSeconds(2).toNanos(), "never slept past the deadline");
        final long retries = client.retriedErrors().get(RegionErrorKind.STALE_COMMAND);
        assertTrue(retries > 100 && retries < 1000, "backoff is capped at 10 ms: " + retries);
    }

    @Test
    void aStatusThatRetryingCannotFixFailsAtOnce() {
        cluster.stores.get(1L).script.add(Status.INVALID_ARGUMENT.withDescription("too big"));
        final ClusterClient client = cluster.client(DEADLINE);
        final ClusterClientException e = assertThrows(ClusterClientException.class,
            () -> client.rawPut(key("a"), key("1"), CF));
        assertTrue(e.getMessage().contains("INVALID_ARGUMENT"), e.getMessage());
        assertEquals(1, cluster.log.size());
    }

    @Test
    void aSchedulerWithoutTheRegionYetIsWaitedFor() {
        cluster.setRegions();
        final ClusterClient client = cluster.client(Duration.ofSeconds(1));
        final ClusterClientException e = assertThrows(ClusterClientException.class,
            () -> client.rawGet(key("a"), CF));
        assertTrue(e.getMessage().contains("region_miss"), e.getMessage());
        cluster.setRegions(whole);
        assertEquals("", client.rawPut(key("a"), key("1"), CF).getError());
    }

    @Test
    void rawScanCrossesRegionsUpToTheLimit() {
        final Region left = region(1, ByteString.EMPTY, key("c"), 2, 1, 2, 3);
        final Region right = region(5, key("c"), ByteString.EMPTY, 2, 1, 2, 3);
        cluster.setRegions(left, right);
        cluster.leaders.put(5L, 2L);
        for (String k : List.of("a", "b", "c", "d", "e")) {
            cluster.data.put(key(k), key(k.toUpperCase()));
        }
        final ClusterClient client = cluster.client(DEADLINE);
        final RawScanResponse all = client.rawScan(key("a"), 10, CF);
        assertEquals(List.of(key("a"), key("b"), key("c"), key("d"), key("e")),
            all.getKvsList().stream().map(KvPair::getKey).toList());
        assertEquals(List.of(1L, 2L), cluster.log.stream().map(FakeCluster.Received::storeId).toList());
        assertEquals(context(right, 2), cluster.log.get(1).context());
        assertEquals(3, client.rawScan(key("b"), 3, CF).getKvsCount());
        assertEquals(1, client.rawScan(key("a"), 1, CF).getKvsCount());
        assertEquals(0, client.rawScan(key("f"), 10, CF).getKvsCount());
    }

    @Test
    void prewriteAndCommitSendOneRequestPerRegionPrimaryFirst() {
        // region bounds in the encoded space of transactional keys: the split key is EncodeBytes("m")
        final ByteString split = ByteString.copyFrom(MemComparable.encodeBytes(key("m").toByteArray()));
        final Region left = region(1, ByteString.EMPTY, split, 2, 1, 2, 3);
        final Region right = region(5, split, ByteString.EMPTY, 2, 1, 2, 3);
        cluster.setRegions(left, right);
        cluster.leaders.put(5L, 3L);
        final ClusterClient client = cluster.client(DEADLINE);
        final PrewriteRequest.Builder pw = PrewriteRequest.newBuilder().setStartVersion(10).setPrimaryLock(key("x"))
            .setLockTtl(3000);
        for (String k : List.of("x", "a", "m", "b")) {
            pw.addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(key(k)).setValue(key("v")));
        }
        assertEquals(0, client.kvPrewrite(pw.build()).getErrorsCount());
        assertEquals(2, cluster.log.size());
        final Map<Long, List<ByteString>> sent = new HashMap<>();
        for (FakeCluster.Received r : cluster.log) {
            sent.put(r.storeId(), ((PrewriteRequest) r.request()).getMutationsList().stream().map(Mutation::getKey)
                .toList());
            assertEquals(10, ((PrewriteRequest) r.request()).getStartVersion());
        }
        assertEquals(List.of(key("x"), key("m")), sent.get(3L));
        assertEquals(List.of(key("a"), key("b")), sent.get(1L));
        assertEquals(context(right, 3), cluster.receivedBy(3).get(0).context());

        cluster.log.clear();
        cluster.stores.get(1L).script.add(notLeader(left.getPeers(1)));
        final CommitRequest commit = CommitRequest.newBuilder().setStartVersion(10).setCommitVersion(11)
            .addAllKeys(List.of(key("x"), key("a"), key("m"), key("b"))).build();
        assertTrue(!client.kvCommit(commit).hasError());
        assertEquals(List.of(3L, 1L, 2L), cluster.log.stream().map(FakeCluster.Received::storeId).toList(),
            "the primary's region first; the other resent to its new leader");
        assertEquals(List.of(key("a"), key("b")), ((CommitRequest) cluster.log.get(2).request()).getKeysList());
        assertEquals(context(left, 2), cluster.log.get(2).context());

        cluster.log.clear();
        assertTrue(!client.kvBatchRollback(BatchRollbackRequest.newBuilder().setStartVersion(10)
            .addAllKeys(List.of(key("b"), key("y"))).build()).hasError());
        assertEquals(List.of(2L, 3L), cluster.log.stream().map(FakeCluster.Received::storeId).toList());
        assertEquals(List.of(key("y")), ((BatchRollbackRequest) cluster.log.get(1).request()).getKeysList());
    }

    @Test
    void singleKeyTxnCallsRouteByTheirKey() {
        final ByteString split = ByteString.copyFrom(MemComparable.encodeBytes(key("m").toByteArray()));
        final Region left = region(1, ByteString.EMPTY, split, 2, 1, 2, 3);
        final Region right = region(5, split, ByteString.EMPTY, 2, 1, 2, 3);
        cluster.setRegions(left, right);
        cluster.leaders.put(5L, 2L);
        final ClusterClient client = cluster.client(DEADLINE);
        client.kvGet(GetRequest.newBuilder().setKey(key("z")).setVersion(5).build());
        client.kvCheckTxnStatus(CheckTxnStatusRequest.newBuilder().setPrimaryKey(key("a")).setLockTs(3).build());
        client.kvResolveLock(ResolveLockRequest.newBuilder().setStartVersion(3).build(), key("q"));
        assertEquals(List.of(2L, 1L, 2L), cluster.log.stream().map(FakeCluster.Received::storeId).toList());
        assertEquals(context(right, 2), cluster.log.get(0).context());
        assertEquals(context(left, 1), cluster.log.get(1).context());
        assertEquals(context(right, 2), cluster.log.get(2).context());
    }
}
