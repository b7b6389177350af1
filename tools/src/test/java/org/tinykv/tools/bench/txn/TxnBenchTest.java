package org.tinykv.tools.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.server.HostPort;
import org.tinykv.server.ServerConfig;
import org.tinykv.server.TinyKvServer;
import org.tinykv.tools.bench.TinyKvBench;
import org.tinykv.tools.format.CommandRun;

/**
 * Runs {@code tinykv-bench txn} briefly against an in-JVM standalone server on loopback: the command ends with a
 * RESULT line, and a contended run through the runner, started over the expired locks of a crashed client,
 * resolves them and leaves exactly one increment per committed transaction and key (no lost update, no partial
 * commit), checked with KvScans before and after the run.
 */
class TxnBenchTest {
    private static final long SEED = Long.getLong("tools.txnbench.seed", System.nanoTime());
    private static final Pattern RESULT = Pattern.compile("RESULT workload=txn keys_per_txn=(\\d+) concurrency=(\\d+)"
        + " txns_per_sec=([0-9.]+) aborts=(\\d+) p50_us=(\\d+) p99_us=(\\d+) errors=(\\d+)");

    @TempDir
    static Path dir;
    private static TinyKvServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        server = TinyKvServer.start(ServerConfig.builder().path(dir).standalone(true)
            .addr(HostPort.parse("127.0.0.1:0")).statusAddr(HostPort.parse("127.0.0.1:0")).build(), System::nanoTime);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcAddress().getPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static String run(final int expectedExit, final String... args) {
        final CommandRun r = CommandRun.ofSystemOut(TinyKvBench.commandLine(), args);
        assertEquals(expectedExit, r.exitCode(), r.out());
        return r.out();
    }

    @Test
    void commandEndsWithAResultLine() {
        String out = run(0, "txn", "--addr=127.0.0.1:" + server.grpcAddress().getPort(), "--keys-per-txn=2",
            "--concurrency=2", "--warmup=0", "--duration=1", "--keys=1000", "--seed=" + SEED,
            "--status-addr=127.0.0.1:" + server.statusAddress().getPort());
        Matcher m = RESULT.matcher(out);
        assertTrue(m.find(), out);
        Matcher cpu = Pattern.compile("server: cpu_us_per_txn=([0-9.]+)").matcher(out);
        assertTrue(cpu.find() && Double.parseDouble(cpu.group(1)) > 0, out);
        assertEquals("2", m.group(1));
        assertEquals("2", m.group(2));
        assertTrue(Double.parseDouble(m.group(3)) > 0, out);
        assertEquals("0", m.group(7), out);
    }

    @Test
    void versusPutsAlternatesPutAndTxnPhasesAndReportsTheMedians() {
        String out = run(0, "txn", "--addr=127.0.0.1:" + server.grpcAddress().getPort(), "--concurrency=2",
            "--warmup=0", "--duration=1", "--keys=1000", "--versus-puts=3", "--put-value-size=100", "--seed=" + SEED,
            "--status-addr=127.0.0.1:" + server.statusAddress().getPort());
        Matcher round = Pattern.compile("round (\\d): puts/s=(\\d+) put_cpu_us=([0-9.]+) txns/s=(\\d+) "
            + "txn_cpu_us=([0-9.]+) puts_per_txn_by_throughput=([0-9.]+) puts_per_txn_by_cpu=([0-9.]+)").matcher(out);
        java.util.List<Double> byThroughput = new java.util.ArrayList<>();
        while (round.find()) {
            assertEquals(String.valueOf(byThroughput.size() + 1), round.group(1), out);
            double puts = Double.parseDouble(round.group(2));
            double txns = Double.parseDouble(round.group(4));
            assertTrue(puts > 0 && txns > 0 && Double.parseDouble(round.group(3)) > 0
                && Double.parseDouble(round.group(5)) > 0, out);
            assertEquals(puts / txns, Double.parseDouble(round.group(6)), 0.01 + puts / txns * 0.01, out);
            byThroughput.add(Double.parseDouble(round.group(6)));
        }
        assertEquals(3, byThroughput.size(), out);
        Matcher m = Pattern.compile("RESULT workload=txn-vs-put keys_per_txn=1 concurrency=2 rounds=3 "
            + "puts_per_sec=([0-9.]+) txns_per_sec=([0-9.]+) puts_per_txn_by_throughput=([0-9.]+) "
            + "puts_per_txn_by_cpu=([0-9.]+) errors=0").matcher(out);
        assertTrue(m.find(), out);
        java.util.Collections.sort(byThroughput);
        assertEquals(byThroughput.get(1), Double.parseDouble(m.group(3)), 0.005, out);
    }

    @Test
    void versusPutsNeedsOneServerAndARoundCount() {
        CommandRun cluster = CommandRun.of(TinyKvBench.commandLine(), "txn", "--scheduler=127.0.0.1:1",
            "--versus-puts=2");
        assertEquals(2, cluster.exitCode(), cluster.toString());
        assertTrue(cluster.err().contains("--versus-puts is for one server"), cluster.toString());
        CommandRun negative = CommandRun.of(TinyKvBench.commandLine(), "txn", "--versus-puts=-1");
        assertEquals(2, negative.exitCode(), negative.toString());
        assertTrue(negative.err().contains("--versus-puts must be 0..1000"), negative.toString());
    }

    @Test
    void medianIgnoresUnknownValues() {
        assertEquals(2.0, VersusPuts.median(new double[] {3, 1, 2}));
        assertEquals(2.5, VersusPuts.median(new double[] {4, 1, Double.NaN, 2, 3}));
        assertTrue(Double.isNaN(VersusPuts.median(new double[] {Double.NaN})));
    }

    /** The sum of the counters of keys 0..count-1 at {@code ts}; fails if any of them is locked. */
    private static long sumCounters(TinyKvGrpc.TinyKvBlockingStub stub, long count, long ts, String msg) {
        ScanResponse scan = stub.kvScan(ScanRequest.newBuilder().setStartKey(TxnBenchRunner.key(0))
            .setLimit((int) count).setVersion(ts).build());
        long sum = 0;
        for (KvPair p : scan.getPairsList()) {
            assertTrue(!p.hasError(), "lock left behind: " + p + "; " + msg);
            if (ByteString.unsignedLexicographicalComparator().compare(p.getKey(), TxnBenchRunner.key(count)) < 0) {
                sum += ByteBuffer.wrap(p.getValue().toByteArray()).getLong();
            }
        }
        return sum;
    }

    @Test
    void contendedIncrementsAreNeitherLostNorPartialAndCrashedLocksAreResolved() throws Exception {
        long keys = 6;
        int k = 3;
        String seedMsg = "seed=" + SEED + " (replay with -Dtools.txnbench.seed=" + SEED + ")";
        TxnBenchRunner.Settings settings = new TxnBenchRunner.Settings(k, 4, Duration.ZERO, Duration.ofSeconds(1),
            keys, 3000, SEED);
        TinyKvGrpc.TinyKvBlockingStub stub = TinyKvGrpc.newBlockingStub(channel);
        LocalTimestampOracle tso = new LocalTimestampOracle(System::currentTimeMillis);
        long before = sumCounters(stub, keys, tso.next(), seedMsg);
        // a client that died after prewrite: its 1 ms locks expire and must be rolled back by the bench's clients
        PrewriteRequest.Builder crashed = PrewriteRequest.newBuilder().setStartVersion(tso.next())
            .setPrimaryLock(TxnBenchRunner.key(0)).setLockTtl(1);
        for (long i = 0; i < keys; i++) {
            crashed.addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(TxnBenchRunner.key(i))
                .setValue(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(1_000_000).array())));
        }
        assertEquals(0, stub.kvPrewrite(crashed.build()).getErrorsCount(), seedMsg);

        TxnBenchRunner runner = new TxnBenchRunner(List.of(TxnKv.server(stub, TxnClient.DEADLINE_MILLIS)), tso,
            settings,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System::nanoTime);
        TxnBenchResult result = runner.run();
        String msg = result.summary() + "\nlast error: " + runner.lastError() + "\n" + seedMsg;
        System.out.println("contended run: " + msg);
        assertTrue(result.committed() > 0, msg);
        assertEquals(0, result.errors(), msg);
        assertTrue(result.locksResolved() > 0, msg);
        long after = sumCounters(stub, keys, tso.next(), msg);
        assertEquals(result.totalCommitted() * k, after - before, msg);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        run(2, "txn", "--keys-per-txn=0");
        run(2, "txn", "--keys=5", "--keys-per-txn=6");
        run(2, "txn", "--concurrency=0");
        run(2, "txn", "--duration=0");
        run(2, "txn", "--lock-ttl=0");
    }

    @Test
    void localOracleIsStrictlyIncreasingEvenWhenTheClockStalls() {
        long[] now = {5_000};
        LocalTimestampOracle tso = new LocalTimestampOracle(() -> now[0]);
        long a = tso.next();
        long b = tso.next();
        now[0] = 4_000; // the clock goes back
        long c = tso.next();
        now[0] = 6_000;
        long d = tso.next();
        assertEquals(5_000L << 18, a);
        assertTrue(a < b && b < c && c < d);
        assertEquals(6_000L << 18, d);
    }
}
