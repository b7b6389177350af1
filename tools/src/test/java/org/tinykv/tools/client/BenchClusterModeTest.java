package org.tinykv.tools.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.tools.client.FakeCluster.region;

import com.google.protobuf.ByteString;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.errorpb.NotLeader;
import org.tinykv.proto.metapb.Region;
import org.tinykv.tools.bench.TinyKvBench;
import org.tinykv.tools.format.CommandRun;

/**
 * {@code tinykv-bench raw|txn --scheduler} against the fake cluster: requests reach the leader through the
 * scheduler's routing, a scripted NotLeader is retried and reported per kind, and the RESULT line keeps its format.
 */
class BenchClusterModeTest {
    private FakeCluster cluster;
    private final Region whole = region(1, ByteString.EMPTY, ByteString.EMPTY, 1, 1, 2, 3);

    @BeforeEach
    void start() throws Exception {
        cluster = new FakeCluster(3);
        cluster.setRegions(whole);
        cluster.leaders.put(1L, 1L);
        cluster.stores.get(1L).script.add(Error.newBuilder().setMessage("not leader")
            .setNotLeader(NotLeader.newBuilder().setRegionId(1).setLeader(whole.getPeers(1))).build());
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static String run(final int expectedExit, final String... args) {
        final CommandRun r = CommandRun.ofSystemOut(TinyKvBench.commandLine(), args);
        assertEquals(expectedExit, r.exitCode(), r.out());
        return r.out();
    }

    @Test
    void rawRunsThroughTheClusterAndReportsRetries() {
        final String out = run(0, "raw", "--scheduler=" + cluster.schedulerAddress(), "--workload=put",
            "--concurrency=1", "--warmup=0", "--duration=1", "--keys=20", "--seed=3");
        assertTrue(out.contains("tinykv-bench raw: scheduler=" + cluster.schedulerAddress()), out);
        final Matcher m = Pattern.compile("RESULT workload=put concurrency=1 ops_per_sec=([0-9.]+) p50_us=\\d+ "
            + "p99_us=\\d+ p999_us=\\d+ errors=0").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(out.contains("region errors retried: not_leader=1 epoch_not_match=0"), out);
        assertTrue(cluster.receivedBy(2).size() > 1, "the rest went to the hinted leader on store 2");
        assertEquals(1, cluster.receivedBy(1).size());
    }

    @Test
    void txnRunsThroughTheClusterWithTheSchedulersTso() {
        final String out = run(0, "txn", "--scheduler=" + cluster.schedulerAddress(), "--keys-per-txn=2",
            "--concurrency=1", "--warmup=0", "--duration=1", "--keys=100", "--seed=3");
        assertTrue(out.contains("tso=" + cluster.schedulerAddress()), out);
        assertTrue(Pattern.compile("RESULT workload=txn keys_per_txn=2 concurrency=1 txns_per_sec=[0-9.]+ aborts=0 "
            + "p50_us=\\d+ p99_us=\\d+ errors=0").matcher(out).find(), out);
        assertTrue(out.contains("region errors retried: not_leader=1"), out);
        assertTrue(cluster.receivedBy(2).stream().anyMatch(r -> r.op().equals("KvCommit")), out);
    }

    @Test
    void addrAndSchedulerExcludeEachOther() {
        run(2, "raw", "--addr=127.0.0.1:1", "--scheduler=" + cluster.schedulerAddress());
        run(2, "txn", "--scheduler=" + cluster.schedulerAddress(), "--tso=127.0.0.1:1");
    }
}
