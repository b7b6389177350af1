package org.tinykv.tools.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.tools.client.ClusterClient;
import org.tinykv.tools.client.ClusterClientOptions;

/**
 * A scheduler and three replicated tinykv-servers in this JVM over real gRPC: the first store bootstraps the
 * cluster, the replica checker brings the region to three replicas, a region-routing client writes and reads
 * through the leader, and the cluster keeps serving every acknowledged write while a store, then the leader's store,
 * is stopped and restarted.
 */
@Timeout(180)
class ClusterIT {
    private static final String CF = "default";
    private static final Pattern APPLIED = Pattern.compile("\"applied_index\":(\\d+)");

    @TempDir
    Path dir;

    @Test
    void threeStoresReplicateServeAndSurviveStoreRestarts() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir, 3);
             ClusterClient client = ClusterClient.connect(cluster.schedulerAddress(), ClusterClientOptions.defaults())) {
            await("the first region has three replicas", 60, () -> replicas(cluster) == 3);
            for (int i = 0; i < 200; i++) {
                put(client, "k" + i, "v" + i);
            }
            for (int i = 0; i < 200; i += 17) {
                assertEquals("v" + i, get(client, "k" + i));
            }
            final RawScanResponse scan = client.rawScan(ByteString.copyFromUtf8("k1"), 5, CF);
            assertEquals(5, scan.getKvsCount(), scan.toString());
            assertEquals("k1", scan.getKvs(0).getKey().toStringUtf8());
            final long applied = appliedIndex(cluster, leaderStore(cluster));
            await("every store applied the writes", 30, () -> appliedEverywhere(cluster, applied));
            final String status = http(cluster, leaderStore(cluster), "/status");
            assertTrue(status.contains("\"mode\":\"replicated\"") && status.contains("\"regions\":[{")
                && status.contains("\"is_leader\":true"), status);
            assertTrue(http(cluster, 1, "/metrics").contains("tinykv_raftstore_raft_fsyncs_total"));

            final int follower = leaderStore(cluster) == 1 ? 2 : 1;
            cluster.stopStore(follower);
            for (int i = 200; i < 260; i++) {
                put(client, "k" + i, "v" + i);
            }
            cluster.startStore(follower);

            final int leader = leaderStore(cluster);
            cluster.stopStore(leader);
            for (int i = 260; i < 320; i++) {
                put(client, "k" + i, "v" + i); // the client's deadline covers the election
            }
            await("another store leads", 30, () -> leaderStoreOrZero(cluster) != leader
                && leaderStoreOrZero(cluster) != 0);
            cluster.startStore(leader);
            for (int i = 0; i < 320; i++) {
                assertEquals("v" + i, get(client, "k" + i), "k" + i);
            }
            final long last = appliedIndex(cluster, leaderStore(cluster));
            await("the restarted stores caught up", 30, () -> appliedEverywhere(cluster, last));
        }
    }

    @Test
    void smallRegionsSplitAndTheClientFollows() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir, 3, 8 << 10);
             ClusterClient client = ClusterClient.connect(cluster.schedulerAddress(), ClusterClientOptions.defaults())) {
            await("the first region has three replicas", 60, () -> replicas(cluster) == 3);
            final String pad = "x".repeat(100);
            for (int i = 0; i < 1000; i++) {
                put(client, String.format("key%05d", i), pad + i);
            }
            await("the region split", 60, () -> cluster.scheduler().cluster().regionCount() >= 3);
            for (int i = 0; i < 1000; i += 7) {
                assertEquals(pad + i, get(client, String.format("key%05d", i)));
            }
            final RawScanResponse all = client.rawScan(ByteString.copyFromUtf8("key"), 1000, CF);
            assertEquals(1000, all.getKvsCount(), "a scan crosses every region");
            for (int i = 0; i < 1000; i++) {
                assertEquals(String.format("key%05d", i), all.getKvs(i).getKey().toStringUtf8());
            }
            System.out.println("ClusterIT: " + cluster.scheduler().cluster().regionCount() + " regions after splits");
        }
    }

    /**
     * The idle region hibernates on every store; the leader's store is then stopped while the region sleeps, and the
     * other stores, told by their transports that its connection closed, elect a new leader with no command sent.
     */
    @Test
    void anIdleRegionHibernatesAndALeaderLostInItsSleepIsReplacedWithoutACommand() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir, 3);
             ClusterClient client = ClusterClient.connect(cluster.schedulerAddress(), ClusterClientOptions.defaults())) {
            await("the first region has three replicas", 60, () -> replicas(cluster) == 3);
            for (int i = 0; i < 20; i++) {
                put(client, "k" + i, "v" + i);
            }
            await("every store's region hibernates", 60, () -> hibernating(cluster, 1) && hibernating(cluster, 2)
                && hibernating(cluster, 3));
            final int leader = leaderStoreByStatus(cluster);
            cluster.stopStore(leader);
            await("another store leads", 30, () -> {
                try {
                    return leaderStoreByStatus(cluster) != leader;
                } catch (IOException | InterruptedException | AssertionError e) {
                    return false;
                }
            });
            cluster.startStore(leader);
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, get(client, "k" + i));
            }
        }
    }

    private static final Pattern HIBERNATING = Pattern.compile("tinykv_raftstore_hibernating_regions (\\d+)");

    /** True if store {@code i}'s metrics show its one region hibernating. */
    private static boolean hibernating(final LocalCluster cluster, final int i) {
        try {
            final Matcher m = HIBERNATING.matcher(http(cluster, i, "/metrics"));
            return m.find() && Long.parseLong(m.group(1)) == 1;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The store (1..3) whose /status shows it leading the region (works without the scheduler). */
    static int leaderStoreByStatus(final LocalCluster cluster) throws IOException, InterruptedException {
        for (int i = 1; i <= 3; i++) {
            if (cluster.store(i) != null && http(cluster, i, "/status").contains("\"is_leader\":true")) {
                return i;
            }
        }
        throw new AssertionError("no store leads");
    }

    static void put(final ClusterClient client, final String key, final String value) {
        final RawPutResponse r = client.rawPut(ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(value), CF);
        assertFalse(r.hasRegionError(), r.toString());
        assertTrue(r.getError().isEmpty(), r.getError());
    }

    static String get(final ClusterClient client, final String key) {
        final RawGetResponse r = client.rawGet(ByteString.copyFromUtf8(key), CF);
        assertFalse(r.hasRegionError(), r.toString());
        assertTrue(r.getError().isEmpty(), r.getError());
        return r.getNotFound() ? null : r.getValue().toStringUtf8();
    }

    static int replicas(final LocalCluster cluster) {
        final RegionInfo r = cluster.scheduler().cluster().regionByKey(ByteString.EMPTY);
        return r == null ? 0 : r.meta().getPeersCount();
    }

    /** The store number (1..3) the scheduler names as the first region's leader. */
    private static int leaderStore(final LocalCluster cluster) {
        final int i = leaderStoreOrZero(cluster);
        if (i == 0) {
            throw new AssertionError("the scheduler names no running store as leader of the first region");
        }
        return i;
    }

    private static int leaderStoreOrZero(final LocalCluster cluster) {
        final RegionInfo r = cluster.scheduler().cluster().regionByKey(ByteString.EMPTY);
        if (r == null || r.leader() == null) {
            return 0;
        }
        final String address = cluster.scheduler().cluster().store(r.leader().getStoreId()).meta().getAddress();
        for (int i = 1; i <= 3; i++) {
            if (cluster.store(i) != null && cluster.storeAddress(i).equals(address)) {
                return i;
            }
        }
        return 0;
    }

    /** The applied index of store {@code i}'s only region, from its /status page. */
    static long appliedIndex(final LocalCluster cluster, final int i) throws IOException, InterruptedException {
        final Matcher m = APPLIED.matcher(http(cluster, i, "/status"));
        assertTrue(m.find(), "no applied_index in the status of store " + i);
        return Long.parseLong(m.group(1));
    }

    static boolean appliedEverywhere(final LocalCluster cluster, final long index) {
        try {
            for (int i = 1; i <= 3; i++) {
                if (appliedIndex(cluster, i) < index) {
                    return false;
                }
            }
            return true;
        } catch (IOException | InterruptedException | AssertionError e) {
            return false;
        }
    }

    static String http(final LocalCluster cluster, final int store, final String path)
            throws IOException, InterruptedException {
        final int port = cluster.store(store).statusAddress().getPort();
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code seconds} pass (waiting on real servers). */
    static void await(final String what, final int seconds, final BooleanSupplier condition)
            throws InterruptedException {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
