package org.tinykv.tools.bench.txn;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one txn benchmark run (measured phase only, except {@code totalCommitted}).
 *
 * @param keysPerTxn     keys read and written by each transaction
 * @param concurrency    concurrent clients
 * @param committed      transactions committed that started in the measured phase
 * @param aborts         attempts abandoned and retried with a new timestamp (write conflict, a lock met at
 *                       prewrite, or the primary rolled back by another client's lock resolution)
 * @param errors         attempts that failed otherwise (gRPC status, region error, abort key error)
 * @param locksResolved  locks of other transactions this run committed or rolled back
 * @param elapsedNanos   wall-clock time of the measured phase
 * @param latencyNanos   per committed transaction, from its first attempt's start to its commit, in nanoseconds
 * @param totalCommitted transactions committed in the whole run, warmup included (each added 1 to each of its keys)
 */
record TxnBenchResult(int keysPerTxn, int concurrency, long committed, long aborts, long errors, long locksResolved,
                      long elapsedNanos, Histogram latencyNanos, long totalCommitted) {

    /** Committed transactions per second. */
    double txnsPerSecond() {
        return elapsedNanos == 0 ? 0 : committed * 1e9 / elapsedNanos;
    }

    /** The latency at {@code percentile} (0..100) in microseconds. */
    long percentileMicros(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1000;
    }

    /**
     * The machine-readable line: {@code RESULT workload=txn keys_per_txn=K concurrency=N txns_per_sec=...
     * aborts=... p50_us=... p99_us=... errors=...}.
     */
    String resultLine() {
        return String.format(Locale.ROOT,
            "RESULT workload=txn keys_per_txn=%d concurrency=%d txns_per_sec=%.1f aborts=%d p50_us=%d p99_us=%d"
                + " errors=%d",
            keysPerTxn, concurrency, txnsPerSecond(), aborts, percentileMicros(50), percentileMicros(99), errors);
    }

    /** A human-readable summary (several lines, no trailing newline). */
    String summary() {
        return String.format(Locale.ROOT,
            "workload=txn keys_per_txn=%d concurrency=%d duration=%.1fs%n"
                + "committed=%d txns/s=%.1f aborts=%d errors=%d locks_resolved=%d committed_total=%d%n"
                + "latency us: min=%d mean=%.0f p50=%d p90=%d p99=%d p99.9=%d max=%d",
            keysPerTxn, concurrency, elapsedNanos / 1e9, committed, txnsPerSecond(), aborts, errors, locksResolved,
            totalCommitted, latencyNanos.getMinValue() / 1000, latencyNanos.getMean() / 1000, percentileMicros(50),
            percentileMicros(90), percentileMicros(99), percentileMicros(99.9), latencyNanos.getMaxValue() / 1000);
    }
}
