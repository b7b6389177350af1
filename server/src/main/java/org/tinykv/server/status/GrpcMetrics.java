package org.tinykv.server.status;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of finished gRPC calls per method and status code, and a latency histogram per method with fixed
 * Prometheus buckets.
 *
 * <p>Thread-safety: {@link #record} is safe and cheap from any number of threads (striped counters); readers see a
 * recent, not necessarily atomic, view.
 */
public final class GrpcMetrics {

    /** Upper bounds of the latency buckets, in seconds (Prometheus {@code le} labels). */
    static final double[] BUCKET_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    };

    private final ConcurrentHashMap<String, MethodStats> methods = new ConcurrentHashMap<>();

    /**
     * Records one finished call.
     *
     * @param method       the full method name, e.g. {@code tinykvpb.TinyKv/RawGet}
     * @param code         the gRPC status code name, e.g. {@code OK}
     * @param latencyNanos time from the call's start to its close
     */
    public void record(final String method, final String code, final long latencyNanos) {
        methods.computeIfAbsent(method, m -> new MethodStats()).record(code, latencyNanos);
    }

    /** Returns the total number of finished calls of {@code method} with status {@code code}. */
    public long count(final String method, final String code) {
        final MethodStats stats = methods.get(method);
        if (stats == null) {
            return 0;
        }
        final LongAdder adder = stats.codes.get(code);
        return adder == null ? 0 : adder.sum();
    }

    /** A sorted snapshot of the per-method statistics. */
    Map<String, MethodStats> snapshot() {
        return new TreeMap<>(methods);
    }

    /** Counters of one method. */
    static final class MethodStats {
        final ConcurrentHashMap<String, LongAdder> codes = new ConcurrentHashMap<>();
        /** Non-cumulative bucket counts; the last slot counts calls slower than every bound. */
        final LongAdder[] buckets = new LongAdder[BUCKET_SECONDS.length + 1];
        final LongAdder count = new LongAdder();
        final LongAdder sumNanos = new LongAdder();

        MethodStats() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(final String code, final long latencyNanos) {
            codes.computeIfAbsent(code, c -> new LongAdder()).increment();
            count.increment();
            sumNanos.add(latencyNanos);
            final double seconds = latencyNanos / 1e9;
            int i = 0;
            while (i < BUCKET_SECONDS.length && seconds > BUCKET_SECONDS[i]) {
                i++;
            }
            buckets[i].increment();
        }
    }
}
