package org.tinykv.tools.bench.raw;

import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.tools.bench.ServerLoadOptions;
import org.tinykv.tools.client.ClusterClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tinykv-bench raw}: drives a TinyKV-compatible server's raw API over gRPC and reports ops/s and latency
 * percentiles, ending with one {@code RESULT ...} line (see {@link RawBenchResult#resultLine()}). With
 * {@code --status-addr} (repeatable: one per store of a cluster) it also reports the fsyncs per second and writes per
 * fsync over the run, summed over the servers, read from tinykv-server's {@code /metrics}. With {@code --scheduler}
 * every request goes through a {@link ClusterClient} to its region's leader, and the region errors it retried are
 * reported per kind. Progress goes to stderr, the summary to stdout.
 */
@Command(name = "raw", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Raw-API workload (RawPut / RawGet) against a TinyKV-compatible server over gRPC.")
public final class RawBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerLoadOptions load;

    @Option(names = "--workload", defaultValue = "put", description = "put, get or mixed (default: ${DEFAULT-VALUE}).")
    private Workload workload;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "128",
        description = "Bytes per value (default: ${DEFAULT-VALUE}).")
    private int valueSize;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    private long keys;

    @Option(names = "--key-size", paramLabel = "BYTES", defaultValue = "16",
        description = "Bytes per key (default: ${DEFAULT-VALUE}).")
    private int keySize;

    @Option(names = "--cf", defaultValue = "default", description = "Column family (default: ${DEFAULT-VALUE}).")
    private String cf;

    @Option(names = "--read-percent", defaultValue = "50",
        description = "Share of gets in the mixed workload, 0..100 (default: ${DEFAULT-VALUE}).")
    private int readPercent;

    @Option(names = "--prefill", description = "Put every key once before measuring (for get and mixed).")
    private boolean prefill;

    @Override
    public Integer call() throws Exception {
        final RawBenchRunner.Settings settings = settings();
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        out.printf(Locale.ROOT, "tinykv-bench raw: %s workload=%s concurrency=%d warmup=%ds duration=%ds "
            + "value-size=%d keys=%d key-size=%d cf=%s seed=%d%n", load.target(), workload.label(), load.concurrency(),
            load.warmup().toSeconds(), load.duration().toSeconds(), valueSize, keys, keySize, cf, settings.seed());
        final ClusterClient cluster = load.scheduler() == null ? null : load.openCluster();
        final List<ManagedChannel> channels = cluster == null ? load.openChannels() : List.of();
        try {
            final RawTarget target = cluster != null ? RawTarget.cluster(cluster)
                : RawTarget.server(ServerLoadOptions.stubs(channels), RawBenchRunner.RPC_DEADLINE.toMillis());
            final RawBenchRunner runner = new RawBenchRunner(target, settings, err, System::nanoTime);
            if (prefill) {
                err.printf(Locale.ROOT, "prefilling %d keys...%n", keys);
                final long failed = runner.prefill();
                if (failed > 0) {
                    err.printf(Locale.ROOT, "prefill: %d puts failed, last error: %s%n", failed, runner.lastError());
                    return 1;
                }
            }
            final List<ServerMetricsProbe> probes = load.probes();
            final AtomicReference<Map<String, Double>> before = new AtomicReference<>();
            final RawBenchResult result = runner.run(() -> before.set(ServerMetricsProbe.scrapeAll(probes, err)));
            out.println(result.summary());
            if (!probes.isEmpty()) {
                final Map<String, Double> after = ServerMetricsProbe.scrapeAll(probes, err);
                if (before.get() != null && after != null) {
                    out.println(serverLine(before.get(), after, result.elapsedNanos(), result.ops(), probes.size()));
                }
            }
            if (cluster != null) {
                out.println(ServerLoadOptions.retriedLine(cluster));
            }
            if (result.errors() > 0) {
                out.println("last error: " + runner.lastError());
            }
            out.println(result.resultLine());
            return result.ops() == 0 ? 1 : 0;
        } finally {
            ServerLoadOptions.close(channels);
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private RawBenchRunner.Settings settings() {
        final long s = load.validate(spec);
        if (valueSize < 0 || valueSize > (8 << 20)) {
            throw new ParameterException(spec.commandLine(), "--value-size must be 0..8388608, got " + valueSize);
        }
        if (readPercent < 0 || readPercent > 100) {
            throw new ParameterException(spec.commandLine(), "--read-percent must be 0..100, got " + readPercent);
        }
        final KeySpace keySpace;
        try {
            keySpace = new KeySpace(keys, keySize);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new RawBenchRunner.Settings(workload, load.concurrency(), load.warmup(), load.duration(), valueSize,
            keySpace, cf, readPercent, s);
    }

    private static String serverLine(final Map<String, Double> before, final Map<String, Double> after,
                                     final long elapsedNanos, final long ops, final int stores) {
        final Double cpu = ServerMetricsProbe.cpuMicrosPerOp(before, after, ops);
        return ioLine(before, after, elapsedNanos, ops, stores)
            + (cpu == null ? "" : String.format(Locale.ROOT, " server_cpu_us_per_op=%.1f", cpu));
    }

    private static String ioLine(final Map<String, Double> before, final Map<String, Double> after,
                                 final long elapsedNanos, final long ops, final int stores) {
        final Double r0 = before.get(ServerMetricsProbe.RAFT_FSYNCS);
        final Double r1 = after.get(ServerMetricsProbe.RAFT_FSYNCS);
        if (r0 != null && r1 != null) {
            // Replicated stores: every store persists every write in its raft engine, so the per-store mean of
            // raft fsyncs says how many writes (of every region) one fsync carried.
            final double raft = r1 - r0;
            final double kv = after.getOrDefault(ServerMetricsProbe.KV_FSYNCS, 0.0)
                - before.getOrDefault(ServerMetricsProbe.KV_FSYNCS, 0.0);
            final double perStore = raft / stores;
            return String.format(Locale.ROOT, "server: stores=%d raft_fsyncs=%.0f raft_fsyncs_per_sec_per_store=%.1f "
                + "writes_per_raft_fsync=%.2f kv_fsyncs=%.0f", stores, raft, perStore * 1e9 / elapsedNanos,
                perStore == 0 ? 0 : ops / perStore, kv);
        }
        final Double f0 = before.get(ServerMetricsProbe.FSYNCS);
        final Double f1 = after.get(ServerMetricsProbe.FSYNCS);
        final Double w0 = before.get(ServerMetricsProbe.WRITES);
        final Double w1 = after.get(ServerMetricsProbe.WRITES);
        if (f0 == null || f1 == null || w0 == null || w1 == null) {
            return "server: no " + ServerMetricsProbe.FSYNCS + " / " + ServerMetricsProbe.WRITES + " at --status-addr";
        }
        final double fsyncs = f1 - f0;
        final double writes = w1 - w0;
        return String.format(Locale.ROOT, "server: fsyncs=%.0f fsyncs_per_sec=%.1f writes=%.0f writes_per_fsync=%.2f",
            fsyncs, fsyncs * 1e9 / elapsedNanos, writes, fsyncs == 0 ? 0 : writes / fsyncs);
    }
}
