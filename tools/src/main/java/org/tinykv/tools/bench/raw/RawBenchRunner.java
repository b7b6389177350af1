package org.tinykv.tools.bench.raw;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.tools.client.ClusterClientException;

/**
 * Runs one raw workload: {@code concurrency} clients, each with one request in flight at a time until the duration
 * is over, through the given {@link RawTarget} (one server's connections or a cluster client). Prints one progress
 * line per second.
 *
 * <p>The measured clients are asynchronous: a client sends its next request from the callback of the previous
 * one, on the gRPC transport thread, so the load generator costs no thread and no wake-up per request. (With one
 * blocking thread per client, this tool used more CPU than the leader it measured on a 2-core machine, most of it
 * switching threads.) The prefill uses blocking threads: it is not measured.
 *
 * <p>Every RPC has a deadline, so a run ends within its duration plus one deadline even if the server stalls.
 */
final class RawBenchRunner {

    /** The per-RPC deadline. */
    static final Duration RPC_DEADLINE = Duration.ofSeconds(30);

    /**
     * What to run.
     *
     * @param workload    put, get or mixed
     * @param concurrency client threads
     * @param warmup      unmeasured time before the measured time (JIT, connections, engine caches)
     * @param duration    measured time
     * @param valueSize   bytes per value
     * @param keys        the key space
     * @param cf          the column family name sent in requests
     * @param readPercent for mixed: the percentage of gets
     * @param seed        seeds each client's random choices (client i uses seed + i)
     */
    record Settings(Workload workload, int concurrency, Duration warmup, Duration duration, int valueSize,
                    KeySpace keys, String cf, int readPercent, long seed) {
    }

    private final RawTarget target;
    private final Settings settings;
    private final PrintStream progress;
    private final LongSupplier nanoClock;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder ops = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder notFound = new LongAdder();
    private volatile String lastError;

    RawBenchRunner(final RawTarget target, final Settings settings, final PrintStream progress,
                   final LongSupplier nanoClock) {
        this.target = target;
        this.settings = settings;
        this.progress = progress;
        this.nanoClock = nanoClock;
    }

    /** The last error message seen, or null. */
    String lastError() {
        return lastError;
    }

    /** Writes every key once (not measured), with all clients; returns the number of failed puts. */
    long prefill() throws InterruptedException {
        final AtomicLong next = new AtomicLong();
        final LongAdder failed = new LongAdder();
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < settings.concurrency(); c++) {
            final int client = c;
            final SplittableRandom rnd = new SplittableRandom(settings.seed() - 1 - c);
            threads.add(startThread("prefill-" + c, () -> {
                final byte[] value = new byte[settings.valueSize()];
                for (long i = next.getAndIncrement(); i < settings.keys().count(); i = next.getAndIncrement()) {
                    fill(rnd, value);
                    if (!put(client, settings.keys().key(i), value)) {
                        failed.increment();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return failed.sum();
    }

    /**
     * Runs the warmup and the measured phase and returns the result of the latter.
     *
     * @param atMeasureStart called once when the measured phase starts (e.g. to read the server's counters)
     */
    RawBenchResult run(final Runnable atMeasureStart) throws InterruptedException {
        final CountDownLatch done = new CountDownLatch(settings.concurrency());
        final long start = nanoClock.getAsLong() + settings.warmup().toNanos();
        final long end = start + settings.duration().toNanos();
        for (int c = 0; c < settings.concurrency(); c++) {
            new Client(c, new SplittableRandom(settings.seed() + c), start, end, done).next();
        }
        final Histogram total = new Histogram(3);
        long lastOps = 0;
        long lastTick = start;
        if (!settings.warmup().isZero()) {
            progress.printf(Locale.ROOT, "warming up for %ds (not measured)...%n", settings.warmup().toSeconds());
            if (done.await(settings.warmup().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("every client stopped during the warmup");
            }
            recorder.reset();
        }
        atMeasureStart.run();
        while (!done.await(1, TimeUnit.SECONDS)) {
            final Histogram interval = recorder.getIntervalHistogram();
            total.add(interval);
            final long now = nanoClock.getAsLong();
            final long opsNow = ops.sum();
            progress.printf(Locale.ROOT, "[%5.1fs] ops/s=%.0f p50_us=%d p99_us=%d errors=%d%n",
                (now - start) / 1e9, (opsNow - lastOps) * 1e9 / Math.max(1, now - lastTick),
                interval.getValueAtPercentile(50) / 1000, interval.getValueAtPercentile(99) / 1000, errors.sum());
            lastOps = opsNow;
            lastTick = now;
        }
        final long elapsed = nanoClock.getAsLong() - start;
        total.add(recorder.getIntervalHistogram());
        return new RawBenchResult(settings.workload(), settings.concurrency(), ops.sum(), errors.sum(),
            notFound.sum(), elapsed, total);
    }

    /** One asynchronous client: its next request is sent when the previous one has completed. */
    private final class Client {
        private final int id;
        private final SplittableRandom rnd;
        private final long measureStart;
        private final long end;
        private final CountDownLatch done;
        private final byte[] value = new byte[settings.valueSize()];

        Client(final int id, final SplittableRandom rnd, final long measureStart, final long end,
               final CountDownLatch done) {
            this.id = id;
            this.rnd = rnd;
            this.measureStart = measureStart;
            this.end = end;
            this.done = done;
        }

        /** Sends requests until one is still in flight (its callback continues) or the duration is over. */
        void next() {
            while (true) {
                if (nanoClock.getAsLong() >= end) {
                    done.countDown();
                    return;
                }
                final KeySpace keys = settings.keys();
                final byte[] key = keys.key(rnd.nextLong(keys.count()));
                final boolean read = switch (settings.workload()) {
                    case PUT -> false;
                    case GET -> true;
                    case MIXED -> rnd.nextInt(100) < settings.readPercent();
                };
                final long t0 = nanoClock.getAsLong();
                final CompletableFuture<Boolean> sent;
                if (read) {
                    sent = getAsync(id, key);
                } else {
                    fill(rnd, value);
                    sent = putAsync(id, key, ByteString.copyFrom(value));
                }
                if (!sent.isDone()) {
                    sent.whenComplete((ok, failure) -> {
                        try {
                            finished(t0, ok != null && ok);
                        } finally {
                            next();
                        }
                    });
                    return;
                }
                // answered at once: loop rather than recurse
                finished(t0, sent.join());
            }
        }

        private void finished(final long t0, final boolean ok) {
            if (ok && t0 >= measureStart) {
                recorder.recordValue(Math.max(0, nanoClock.getAsLong() - t0));
                ops.increment();
            }
        }
    }

    private CompletableFuture<Boolean> putAsync(final int client, final byte[] key, final ByteString value) {
        try {
            return target.putAsync(client, wrap(key), value, settings.cf()).handle((error, failure) ->
                failure == null ? checkError(error) : checkError("RawPut: " + rootMessage(failure)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(checkError("RawPut: " + e.getMessage()));
        }
    }

    private CompletableFuture<Boolean> getAsync(final int client, final byte[] key) {
        try {
            return target.getAsync(client, wrap(key), settings.cf()).handle((response, failure) ->
                failure == null ? checkGet(response) : checkError("RawGet: " + rootMessage(failure)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(checkError("RawGet: " + e.getMessage()));
        }
    }

    private static String rootMessage(final Throwable failure) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        return String.valueOf(cause.getMessage());
    }

    private boolean put(final int client, final byte[] key, final byte[] value) {
        try {
            return checkError(target.put(client, wrap(key), ByteString.copyFrom(value), settings.cf()));
        } catch (StatusRuntimeException | ClusterClientException e) {
            return checkError("RawPut: " + e.getMessage());
        }
    }

    private boolean checkGet(final RawGetResponse response) {
        if (response.getNotFound()) {
            notFound.increment();
        }
        return checkError(response.getError());
    }

    private boolean checkError(final String error) {
        if (error.isEmpty()) {
            return true;
        }
        errors.increment();
        lastError = error;
        return false;
    }

    private static ByteString wrap(final byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private static Thread startThread(final String name, final Runnable body) {
        final Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void fill(final SplittableRandom rnd, final byte[] value) {
        for (int i = 0; i < value.length; i += 8) {
            long bits = rnd.nextLong();
            for (int j = i; j < Math.min(i + 8, value.length); j++) {
                value[j] = (byte) bits;
                bits >>>= 8;
            }
        }
    }
}
