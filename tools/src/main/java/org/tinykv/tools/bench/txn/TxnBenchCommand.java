package org.tinykv.tools.bench.txn;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.bench.ServerLoadOptions;
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
 * {@link TxnBenchResult#resultLine()}). Timestamps come from the scheduler's TSO with {@code --scheduler}, else
 * from a local clock-based oracle, which is correct only while this process is the server's only transactional
 * client (e.g. a standalone server). Progress goes to stderr, the summary to stdout. Exit codes: 0 done, 1 nothing
 * committed or the run failed, 2 bad usage.
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

    @Option(names = "--scheduler", paramLabel = "HOST:PORT",
        description = "Take timestamps from this scheduler's TSO (default: a local clock-based oracle).")
    private String scheduler;

    @Override
    public Integer call() throws Exception {
        TxnBenchRunner.Settings settings = settings();
        PrintStream out = System.out;
        PrintStream err = System.err;
        out.printf(Locale.ROOT, "tinykv-bench txn: addr=%s keys-per-txn=%d concurrency=%d warmup=%ds duration=%ds "
            + "keys=%d lock-ttl=%dms tso=%s seed=%d%n", load.addr(), keysPerTxn, load.concurrency(),
            load.warmup().toSeconds(), load.duration().toSeconds(), keys, lockTtl,
            scheduler == null ? "local" : scheduler, settings.seed());
        final TimestampSource tso;
        try {
            tso = scheduler == null ? new LocalTimestampOracle(System::currentTimeMillis)
                : new SchedulerTimestampOracle(scheduler);
        } catch (StatusRuntimeException e) {
            err.println("tinykv-bench txn: cannot reach the scheduler at " + scheduler + ": " + e.getStatus());
            return 1;
        }
        List<ManagedChannel> channels = load.openChannels();
        try (tso) {
            List<TinyKvBlockingStub> stubs = ServerLoadOptions.stubs(channels);
            TxnBenchRunner runner = new TxnBenchRunner(stubs, tso, settings, err, System::nanoTime);
            TxnBenchResult result = runner.run();
            out.println(result.summary());
            if (runner.lastError() != null) {
                out.println("last error: " + runner.lastError());
            }
            out.println(result.resultLine());
            return result.committed() == 0 ? 1 : 0;
        } finally {
            ServerLoadOptions.close(channels);
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
        if (lockTtl < 1) {
            throw usage("--lock-ttl must be at least 1, got " + lockTtl);
        }
        return new TxnBenchRunner.Settings(keysPerTxn, load.concurrency(), load.warmup(), load.duration(), keys,
            lockTtl, s);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
