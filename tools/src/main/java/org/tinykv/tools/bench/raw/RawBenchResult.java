package org.tinykv.tools.bench.raw;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one raw benchmark run.
 *
 * @param workload     the workload
 * @param concurrency  the number of concurrent clients
 * @param ops          operations that completed without an error
 * @param errors       operations that failed (gRPC status or the response's error field)
 * @param notFound     gets that answered not_found
 * @param elapsedNanos wall-clock time of the measured phase
 * @param latencyNanos latency of the successful operations, in nanoseconds
 */
public record RawBenchResult(Workload workload, int concurrency, long ops, long errors, long notFound,
                             long elapsedNanos, Histogram latencyNanos) {

    /** Successful operations per second. */
    public double opsPerSecond() {
        return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
    }

    /** The latency at {@code percentile} (0..100) in microseconds. */
    public long percentileMicros(final double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1000;
    }

    /**
     * The machine-readable line:
     * {@code RESULT workload=put concurrency=64 ops_per_sec=... p50_us=... p99_us=... p999_us=... errors=...}.
     */
    public String resultLine() {
        return String.format(Locale.ROOT,
            "RESULT workload=%s concurrency=%d ops_per_sec=%.1f p50_us=%d p99_us=%d p999_us=%d errors=%d",
            workload.label(), concurrency, opsPerSecond(), percentileMicros(50), percentileMicros(99),
            percentileMicros(99.9), errors);
    }

    /** A human-readable summary (several lines, no trailing newline). */
    public String summary() {
        return String.format(Locale.ROOT,
            "workload=%s concurrency=%d duration=%.1fs%n"
                + "ops=%d errors=%d not_found=%d ops/s=%.1f%n"
                + "latency us: min=%d mean=%.0f p50=%d p90=%d p99=%d p99.9=%d max=%d",
            workload.label(), concurrency, elapsedNanos / 1e9, ops, errors, notFound, opsPerSecond(),
            latencyNanos.getMinValue() / 1000, latencyNanos.getMean() / 1000, percentileMicros(50),
            percentileMicros(90), percentileMicros(99), percentileMicros(99.9), latencyNanos.getMaxValue() / 1000);
    }
}
