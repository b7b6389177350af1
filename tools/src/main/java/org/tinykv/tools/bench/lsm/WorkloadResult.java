package org.tinykv.tools.bench.lsm;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one workload measured on one engine.
 *
 * @param workload     the workload
 * @param engine       the engine's label
 * @param ops          operations done (reads, for readwhilewriting)
 * @param elapsedNanos wall-clock time of the timed phase
 * @param latencyNanos latency per operation, nanoseconds
 * @param found        gets/seeks that found a key, or entries read by readseq; -1 when not meaningful
 * @param writes       writes done by readwhilewriting's writer, else 0
 * @param latencyNote  how latency was timed ({@code op}, or {@code batchN} when N ops were timed together)
 * @param diskBytes    size of the engine's directory after the workload and close, or -1 if not measured
 * @param gcMillis     JVM garbage-collection time during the timed phase, or -1 if not measured
 * @param warmupScans  untimed scans before readseq's timed one, or -1 when not meaningful
 */
record WorkloadResult(Workload workload, String engine, long ops, long elapsedNanos, Histogram latencyNanos,
                      long found, long writes, String latencyNote, long diskBytes, long gcMillis, int warmupScans) {

    WorkloadResult(final Workload workload, final String engine, final long ops, final long elapsedNanos,
                   final Histogram latencyNanos, final long found, final long writes, final String latencyNote,
                   final long diskBytes, final long gcMillis) {
        this(workload, engine, ops, elapsedNanos, latencyNanos, found, writes, latencyNote, diskBytes, gcMillis, -1);
    }

    /** This result with the directory size {@code bytes} and the collection time {@code gcMs}. */
    WorkloadResult withEnvironment(final long bytes, final long gcMs) {
        return new WorkloadResult(workload, engine, ops, elapsedNanos, latencyNanos, found, writes, latencyNote,
            bytes, gcMs, warmupScans);
    }

    /** This result with {@code scans} warm-up scans noted. */
    WorkloadResult withWarmupScans(final int scans) {
        return new WorkloadResult(workload, engine, ops, elapsedNanos, latencyNanos, found, writes, latencyNote,
            diskBytes, gcMillis, scans);
    }

    /** Operations per second over the timed phase. */
    double opsPerSecond() {
        return elapsedNanos <= 0 ? 0 : ops * 1e9 / elapsedNanos;
    }

    /** Writes per second of readwhilewriting's writer over the timed phase. */
    double writesPerSecond() {
        return elapsedNanos <= 0 ? 0 : writes * 1e9 / elapsedNanos;
    }

    /** The latency at {@code percentile} (0..100), microseconds. */
    double latencyMicros(final double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The RESULT line: {@code RESULT workload=W engine=E ops_per_sec=X p50_us=Y p99_us=Z} and extra fields. */
    String resultLine() {
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "RESULT workload=%s engine=%s ops_per_sec=%.0f p50_us=%.2f p99_us=%.2f",
            workload.label(), engine, opsPerSecond(), latencyMicros(50), latencyMicros(99)));
        line.append(" ops=").append(ops);
        if (found >= 0) {
            line.append(" found=").append(found);
        }
        if (workload == Workload.READWHILEWRITING) {
            line.append(String.format(Locale.ROOT, " writes_per_sec=%.0f writes=%d", writesPerSecond(), writes));
        }
        line.append(String.format(Locale.ROOT, " seconds=%.3f latency=%s", elapsedNanos / 1e9, latencyNote));
        if (warmupScans >= 0) {
            line.append(" warmup_scans=").append(warmupScans);
        }
        if (diskBytes >= 0) {
            line.append(String.format(Locale.ROOT, " disk_mib=%.1f", diskBytes / 1048576.0));
        }
        if (gcMillis >= 0) {
            line.append(" gc_ms=").append(gcMillis);
        }
        return line.toString();
    }
}
