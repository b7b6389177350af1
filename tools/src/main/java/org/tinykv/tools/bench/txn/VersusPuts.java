package org.tinykv.tools.bench.txn;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.bench.raw.PutPhase;
import org.tinykv.tools.bench.raw.RawBenchResult;
import org.tinykv.tools.bench.raw.ServerMetricsProbe;

/**
 * {@code tinykv-bench txn --versus-puts=ROUNDS}: what one transaction costs in raw puts on the same server. Each round
 * runs a phase of raw puts and then a phase of transactions, with the same concurrency and connections, from this one
 * process; the first phase of each kind starts with the bench's warm-up, later ones with a short settling time
 * ({@link #SETTLE}, or the warm-up if that is shorter).
 * Alternating within one run keeps both workloads under the same machine state and the same warmed-up client, which
 * separate runs minutes apart did not (on a shared 2-core machine their CPU per operation drifted by a third).
 *
 * <p>Per round it reports the throughput ratio (puts/s over txns/s) and, with {@code --status-addr}, the ratio of the
 * server's CPU per operation; the RESULT line gives their medians over the rounds.
 */
final class VersusPuts {
    /** Unmeasured time at the start of every phase after the first of its kind. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    private final int rounds;
    private final PutPhase puts;
    private final List<TinyKvBlockingStub> stubs;
    private final RunnerFactory txns;
    private final List<ServerMetricsProbe> probes;
    private final PrintStream err;

    /** Makes the transaction runner of one phase from its warm-up and duration. */
    interface RunnerFactory {
        TxnBenchRunner runner(Duration warmup, Duration duration);
    }

    VersusPuts(int rounds, PutPhase puts, List<TinyKvBlockingStub> stubs, RunnerFactory txns,
               List<ServerMetricsProbe> probes, PrintStream err) {
        this.rounds = rounds;
        this.puts = puts;
        this.stubs = stubs;
        this.txns = txns;
        this.probes = probes;
        this.err = err;
    }

    /** One phase's outcome: operations per second and server CPU microseconds per operation (NaN if unknown). */
    private record Phase(double perSecond, double cpuMicros, long errors) {
    }

    /** Runs the rounds, printing a line per round and a final RESULT line to {@code out}; returns the exit code. */
    int run(int keysPerTxn, int concurrency, Duration warmup, Duration duration, PrintStream out)
            throws InterruptedException {
        double[] byThroughput = new double[rounds];
        double[] byCpu = new double[rounds];
        double[] putRates = new double[rounds];
        double[] txnRates = new double[rounds];
        long errors = 0;
        for (int r = 0; r < rounds; r++) {
            Duration lead = r == 0 || warmup.compareTo(SETTLE) < 0 ? warmup : SETTLE;
            Phase put = measured(start -> {
                RawBenchResult result = puts.run(stubs, lead, duration, err, start);
                return new Counts(result.ops(), result.elapsedNanos(), result.errors());
            });
            Phase txn = measured(start -> {
                TxnBenchResult result = txns.runner(lead, duration).run(start);
                return new Counts(result.committed(), result.elapsedNanos(), result.errors());
            });
            errors += put.errors() + txn.errors();
            putRates[r] = put.perSecond();
            txnRates[r] = txn.perSecond();
            byThroughput[r] = txn.perSecond() == 0 ? Double.NaN : put.perSecond() / txn.perSecond();
            byCpu[r] = txn.cpuMicros() / put.cpuMicros();
            out.printf(Locale.ROOT, "round %d: puts/s=%.0f put_cpu_us=%.1f txns/s=%.0f txn_cpu_us=%.1f "
                + "puts_per_txn_by_throughput=%.2f puts_per_txn_by_cpu=%.2f%n", r + 1, put.perSecond(),
                put.cpuMicros(), txn.perSecond(), txn.cpuMicros(), byThroughput[r], byCpu[r]);
        }
        out.printf(Locale.ROOT, "RESULT workload=txn-vs-put keys_per_txn=%d concurrency=%d rounds=%d puts_per_sec=%.1f "
            + "txns_per_sec=%.1f puts_per_txn_by_throughput=%.2f puts_per_txn_by_cpu=%.2f errors=%d%n", keysPerTxn,
            concurrency, rounds, median(putRates), median(txnRates), median(byThroughput), median(byCpu), errors);
        return median(txnRates) > 0 ? 0 : 1;
    }

    /** What a phase's measured part did. */
    private record Counts(long ops, long elapsedNanos, long errors) {
    }

    /** A phase body: runs with the callback for its measured start. */
    private interface Body {
        Counts run(Runnable atMeasureStart) throws InterruptedException;
    }

    private Phase measured(Body body) throws InterruptedException {
        AtomicReference<Map<String, Double>> before = new AtomicReference<>();
        Counts c = body.run(() -> before.set(probes.isEmpty() ? null : ServerMetricsProbe.scrapeAll(probes, err)));
        double cpu = Double.NaN;
        if (before.get() != null) {
            Map<String, Double> after = ServerMetricsProbe.scrapeAll(probes, err);
            Double micros = after == null ? null : ServerMetricsProbe.cpuMicrosPerOp(before.get(), after, c.ops());
            cpu = micros == null ? Double.NaN : micros;
        }
        return new Phase(c.elapsedNanos() == 0 ? 0 : c.ops() * 1e9 / c.elapsedNanos(), cpu, c.errors());
    }

    /** The median of {@code values} ignoring NaNs (NaN if none). */
    static double median(double[] values) {
        double[] known = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        int mid = known.length / 2;
        return known.length % 2 == 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
    }
}
