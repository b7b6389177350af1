package org.tinykv.tools.bench.raw;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.bench.ServerLoadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tinykv-bench raw}: drives a TinyKV-compatible server's raw API over gRPC and reports ops/s and latency
 * percentiles, ending with one {@code RESULT ...} line (see {@link RawBenchResult#resultLine()}). With
 * {@code --status-addr} it also reports the server's fsyncs per second and writes per fsync over the run, read from
 * tinykv-server's {@code /metrics}. Progress goes to stderr, the summary to stdout.
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

    @Option(names = "--status-addr", paramLabel = "HOST:PORT",
        description = "tinykv-server status address: report server fsyncs/s and writes per fsync.")
    private String statusAddr;

    @Override
    public Integer call() throws Exception {
        final RawBenchRunner.Settings settings = settings();
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        out.printf(Locale.ROOT, "tinykv-bench raw: addr=%s workload=%s concurrency=%d warmup=%ds duration=%ds "
            + "value-size=%d keys=%d key-size=%d cf=%s seed=%d%n", load.addr(), workload.label(), load.concurrency(),
            load.warmup().toSeconds(), load.duration().toSeconds(), valueSize, keys, keySize, cf, settings.seed());
        final List<ManagedChannel> channels = load.openChannels();
        try {
            final List<TinyKvBlockingStub> stubs = ServerLoadOptions.stubs(channels);
            final RawBenchRunner runner = new RawBenchRunner(stubs, settings, err, System::nanoTime);
            if (prefill) {
                err.printf(Locale.ROOT, "prefilling %d keys...%n", keys);
                final long failed = runner.prefill();
                if (failed > 0) {
                    err.printf(Locale.ROOT, "prefill: %d puts failed, last error: %s%n", failed, runner.lastError());
                    return 1;
                }
            }
            final ServerMetricsProbe probe = statusAddr == null ? null : new ServerMetricsProbe(statusAddr);
            final AtomicReference<Map<String, Double>> before = new AtomicReference<>();
            final RawBenchResult result = runner.run(() -> before.set(scrape(probe, err)));
            out.println(result.summary());
            if (probe != null) {
                final Map<String, Double> after = scrape(probe, err);
                if (before.get() != null && after != null) {
                    out.println(serverLine(before.get(), after, result.elapsedNanos()));
                }
            }
            if (result.errors() > 0) {
                out.println("last error: " + runner.lastError());
            }
            out.println(result.resultLine());
            return result.ops() == 0 ? 1 : 0;
        } finally {
            ServerLoadOptions.close(channels);
        }
    }

    private static Map<String, Double> scrape(final ServerMetricsProbe probe, final PrintStream err) {
        if (probe == null) {
            return null;
        }
        try {
            return probe.scrape();
        } catch (IOException e) {
            err.println("tinykv-bench raw: cannot read server metrics: " + e.getMessage());
            return null;
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
                                     final long elapsedNanos) {
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
