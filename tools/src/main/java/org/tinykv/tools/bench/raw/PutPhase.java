package org.tinykv.tools.bench.raw;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;

/**
 * One phase of raw puts for other benchmarks to set beside their own workload on the same server and connections
 * (the txn bench's {@code --versus-puts}): the {@code raw} bench's put workload, default column family, 16-byte keys.
 *
 * @param concurrency concurrent clients
 * @param valueSize   bytes per value
 * @param keys        distinct keys
 * @param seed        seeds the clients' key choices
 */
public record PutPhase(int concurrency, int valueSize, long keys, long seed) {
    private static final int KEY_SIZE = 16;

    /**
     * Runs {@code warmup} unmeasured and then {@code duration} measured over {@code stubs}, calling
     * {@code atMeasureStart} when the measured part starts; progress goes to {@code progress}.
     */
    public RawBenchResult run(final List<TinyKvBlockingStub> stubs, final Duration warmup, final Duration duration,
                              final PrintStream progress, final Runnable atMeasureStart) throws InterruptedException {
        final RawBenchRunner.Settings settings = new RawBenchRunner.Settings(Workload.PUT, concurrency, warmup,
            duration, valueSize, new KeySpace(keys, KEY_SIZE), "default", 0, seed);
        final RawTarget target = RawTarget.server(stubs, RawBenchRunner.RPC_DEADLINE.toMillis());
        return new RawBenchRunner(target, settings, progress, System::nanoTime).run(atMeasureStart);
    }
}
