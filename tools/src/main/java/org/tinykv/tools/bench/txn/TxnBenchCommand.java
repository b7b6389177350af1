package org.tinykv.tools.bench.txn;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.bench.ServerLoadOptions;
import org.tinykv.tools.bench.raw.PutPhase;
import org.tinykv.tools.bench.raw.ServerMetricsProbe;
import org.tinykv.tools.client.ClusterClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tinykv-bench txn}: read-modify-write transactions (KvGet every key, KvPrewrite all, KvCommit the primary
 * then the secondaries, resolving the locks met) against a TinyKV-compatible server over gRPC; reports committed
 * transactions/s, aborts and latency percentiles, ending with one {@code RESULT ...} line (see
 * {@link TxnBenchResult#resultLine()}). With {@code --scheduler} (cluster mode) requests go through a
 * {@link ClusterClient} to their regions' leaders, timestamps come from that scheduler's TSO, and the region errors
 * retried are reported per kind. With {@code --addr} (one server) timestamps come from {@code --tso}'s scheduler
 * if given, else from a local clock-based oracle, which is correct only while this process is the server's only
 * transactional client (e.g. a standalone server). With {@code --versus-puts} it alternates phases of raw puts and
 * of transactions on one server ({@link VersusPuts}). Progress goes to stderr, the summary to stdout. Exit codes:
 * 0 done, 1 nothing committed or the run failed, 2 bad usage.
 */
@Command(name = "txn", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Read-modify-write Percolator transactions against a TinyKV-compatible server over gRPC.")
public final class TxnBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerLoadOptions load;

    @Option(names = "--keys-per-txn", paramLabel = "K", defaultValue = "1",
        description = "Distinct keys read and written per transaction (default: ${DEFAULT-VALUE}).")
    private int keysPerTxn;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    private long keys;

    @Option(names = "--lock-ttl", paramLabel = "MILLIS", defaultValue = "3000",
        description = "TTL of the locks written (default: ${DEFAULT-VALUE}).")
    private long lockTtl;

    @Option(names = "--tso", paramLabel = "HOST:PORT",
        description = "With --addr: take timestamps from this scheduler's TSO (default: a local clock-based "
            + "oracle). Cluster mode uses --scheduler's.")
    private String tsoAddr;

    @Option(names = "--versus-puts", paramLabel = "ROUNDS", defaultValue = "0",
        description = "With --addr: alternate ROUNDS phases of raw puts and of transactions, each --duration long, "
            + "and report what a transaction costs in puts, by throughput and by server CPU (default: off).")
    private int versusRounds;

    @Option(names = "--put-value-size", paramLabel = "BYTES", defaultValue = "128",
        description = "Value size of the raw puts of --versus-puts (default: ${DEFAULT-VALUE}).")
    private int putValueSize;

    @Override
    public Integer call() throws Exception {
        TxnBenchRunner.Settings settings = settings();
        PrintStream out = System.out;
        PrintStream err = System.err;
        String tsoTarget = load.scheduler() != null ? load.scheduler() : tsoAddr;
        out.printf(Locale.ROOT, "tinykv-bench txn: %s keys-per-txn=%d concurrency=%d warmup=%ds duration=%ds "
            + "keys=%d lock-ttl=%dms tso=%s seed=%d%n", load.target(), keysPerTxn, load.concurrency(),
            load.warmup().toSeconds(), load.duration().toSeconds(), keys, lockTtl,
            tsoTarget == null ? "local" : tsoTarget, settings.seed());
        final TimestampSource tso;
        try {
            tso = tsoTarget == null ? new LocalTimestampOracle(System::currentTimeMillis)
                : new SchedulerTimestampOracle(tsoTarget);
        } catch (StatusRuntimeException e) {
            err.println("tinykv-bench txn: cannot reach the scheduler at " + tsoTarget + ": " + e.getStatus());
            return 1;
        }
        ClusterClient cluster = load.scheduler() == null ? null : load.openCluster();
        List<ManagedChannel> channels = cluster == null ? load.openChannels() : List.of();
        // the cluster client blocks while it routes and retries: its calls get threads of their own
        ExecutorService clusterCalls = cluster == null ? null : Executors.newCachedThreadPool(runnable -> {
            Thread t = new Thread(runnable, "txn-cluster-call");
            t.setDaemon(true);
            return t;
        });
        try (tso) {
            List<TxnKv> targets = new ArrayList<>();
            if (cluster != null) {
                targets.add(TxnKv.cluster(cluster, clusterCalls));
            }
            for (TinyKvBlockingStub stub : ServerLoadOptions.stubs(channels)) {
                targets.add(TxnKv.server(stub, TxnClient.DEADLINE_MILLIS));
            }
            List<ServerMetricsProbe> probes = load.probes();
            if (versusRounds > 0) {
                VersusPuts versus = new VersusPuts(versusRounds,
                    new PutPhase(load.concurrency(), putValueSize, keys, settings.seed()),
                    ServerLoadOptions.stubs(channels), (warmup, duration) -> new TxnBenchRunner(targets, tso,
                        new TxnBenchRunner.Settings(keysPerTxn, load.concurrency(), warmup, duration, keys, lockTtl,
                            settings.seed()), err, System::nanoTime), probes, err);
                return versus.run(keysPerTxn, load.concurrency(), load.warmup(), load.duration(), out);
            }
            TxnBenchRunner runner = new TxnBenchRunner(targets, tso, settings, err, System::nanoTime);
            AtomicReference<Map<String, Double>> before = new AtomicReference<>();
            TxnBenchResult result = runner.run(() -> before.set(ServerMetricsProbe.scrapeAll(probes, err)));
            out.println(result.summary());
            Map<String, Double> after = ServerMetricsProbe.scrapeAll(probes, err);
            if (before.get() != null && after != null) {
                Double cpu = ServerMetricsProbe.cpuMicrosPerOp(before.get(), after, result.committed());
                out.println(cpu == null ? "server: no " + ServerMetricsProbe.CPU_SECONDS + " at --status-addr"
                    : String.format(Locale.ROOT, "server: cpu_us_per_txn=%.1f", cpu));
            }
            if (cluster != null) {
                out.println(ServerLoadOptions.retriedLine(cluster));
            }
            if (runner.lastError() != null) {
                out.println("last error: " + runner.lastError());
            }
            out.println(result.resultLine());
            return result.committed() == 0 ? 1 : 0;
        } finally {
            ServerLoadOptions.close(channels);
            if (cluster != null) {
                clusterCalls.shutdownNow();
                cluster.close();
            }
        }
    }

    private TxnBenchRunner.Settings settings() {
        long s = load.validate(spec);
        if (keys < 1) {
            throw usage("--keys must be at least 1, got " + keys);
        }
        if (keysPerTxn < 1 || keysPerTxn > Math.min(keys, 10_000)) {
            throw usage("--keys-per-txn must be 1..min(--keys, 10000), got " + keysPerTxn);
        }
        if (tsoAddr != null && load.scheduler() != null) {
            throw usage("--tso is for --addr; cluster mode takes timestamps from --scheduler");
        }
        if (lockTtl < 1) {
            throw usage("--lock-ttl must be at least 1, got " + lockTtl);
        }
        if (versusRounds < 0 || versusRounds > 1000) {
            throw usage("--versus-puts must be 0..1000 rounds, got " + versusRounds);
        }
        if (versusRounds > 0 && load.scheduler() != null) {
            throw usage("--versus-puts is for one server (--addr), not cluster mode");
        }
        if (putValueSize < 0 || putValueSize > (8 << 20)) {
            throw usage("--put-value-size must be 0..8388608, got " + putValueSize);
        }
        return new TxnBenchRunner.Settings(keysPerTxn, load.concurrency(), load.warmup(), load.duration(), keys,
            lockTtl, s);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
