package org.tinykv.tools.bench.txn;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs the txn workload: {@code concurrency} asynchronous clients, each running read-modify-write transactions over
 * {@code keysPerTxn} distinct random keys until the duration is over, retrying an aborted transaction with a new
 * timestamp until it commits (its latency spans every attempt). Clients are spread round-robin over the targets
 * (one server's connections, or a single cluster client). Prints one progress line per second.
 */
final class TxnBenchRunner {

    /**
     * What to run.
     *
     * @param keysPerTxn  distinct keys per transaction (1..keys)
     * @param concurrency concurrent clients, each with one transaction under way
     * @param warmup      unmeasured time first
     * @param duration    measured time
     * @param keys        the key space: keys {@code txnbench/000000000000 ..}
     * @param lockTtl     the TTL of the locks written, in milliseconds
     * @param seed        seeds each client's key choices (client i uses seed + i)
     */
    record Settings(int keysPerTxn, int concurrency, Duration warmup, Duration duration, long keys, long lockTtl,
                    long seed) {
    }

    private static final Executor RETRY_PAUSE =
        CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, Runnable::run);

    private final List<TxnKv> targets;
    private final TimestampSource tso;
    private final Settings settings;
    private final PrintStream progress;
    private final LongSupplier nanoClock;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder committed = new LongAdder();
    private final LongAdder totalCommitted = new LongAdder();
    private final LongAdder aborts = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder resolved = new LongAdder();
    private volatile String lastError;

    TxnBenchRunner(List<TxnKv> targets, TimestampSource tso, Settings settings, PrintStream progress,
                   LongSupplier nanoClock) {
        this.targets = targets;
        this.tso = tso;
        this.settings = settings;
        this.progress = progress;
        this.nanoClock = nanoClock;
    }

    /** The last error message seen, or null. */
    String lastError() {
        return lastError;
    }

    private static final byte[] KEY_PREFIX = "txnbench/".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_DIGITS = 12;

    /**
     * The key of index {@code i} (0 &lt;= i &lt; 10^12): {@code txnbench/} and {@code i} in 12 zero-padded decimal
     * digits, built byte by byte (a per-transaction {@code String.format} cost the client more than a key is worth).
     */
    static ByteString key(long i) {
        if (i < 0 || i >= 1_000_000_000_000L) {
            throw new IllegalArgumentException("key index out of range: " + i);
        }
        byte[] out = Arrays.copyOf(KEY_PREFIX, KEY_PREFIX.length + KEY_DIGITS);
        long v = i;
        for (int pos = out.length - 1; pos >= KEY_PREFIX.length; pos--) {
            out[pos] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        return UnsafeByteOperations.unsafeWrap(out);
    }

    /** Runs the warmup and the measured phase and returns the result of the latter. */
    TxnBenchResult run() throws InterruptedException {
        return run(() -> { });
    }

    /**
     * Runs the warmup and the measured phase and returns the result of the latter.
     *
     * @param atMeasureStart called once when the measured phase starts (e.g. to read the server's counters)
     */
    TxnBenchResult run(final Runnable atMeasureStart) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(settings.concurrency());
        long start = nanoClock.getAsLong() + settings.warmup().toNanos();
        long end = start + settings.duration().toNanos();
        for (int c = 0; c < settings.concurrency(); c++) {
            TxnClient client = new TxnClient(targets.get(c % targets.size()), tso, settings.lockTtl(), nanoClock);
            new Client(client, new SplittableRandom(settings.seed() + c), start, end, done).next();
        }
        if (!settings.warmup().isZero()) {
            progress.printf(Locale.ROOT, "warming up for %ds (not measured)...%n", settings.warmup().toSeconds());
            if (done.await(settings.warmup().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("every client stopped during the warmup");
            }
            recorder.reset();
        }
        atMeasureStart.run();
        Histogram total = new Histogram(3);
        long lastCount = 0;
        long lastTick = nanoClock.getAsLong();
        while (!done.await(1, TimeUnit.SECONDS)) {
            Histogram interval = recorder.getIntervalHistogram();
            total.add(interval);
            long now = nanoClock.getAsLong();
            long count = committed.sum();
            progress.printf(Locale.ROOT, "[%5.1fs] txns/s=%.0f p50_us=%d p99_us=%d aborts=%d errors=%d%n",
                (now - start) / 1e9, (count - lastCount) * 1e9 / Math.max(1, now - lastTick),
                interval.getValueAtPercentile(50) / 1000, interval.getValueAtPercentile(99) / 1000, aborts.sum(),
                errors.sum());
            lastCount = count;
            lastTick = now;
        }
        long elapsed = nanoClock.getAsLong() - start;
        total.add(recorder.getIntervalHistogram());
        return new TxnBenchResult(settings.keysPerTxn(), settings.concurrency(), committed.sum(), aborts.sum(),
            errors.sum(), resolved.sum(), elapsed, total, totalCommitted.sum());
    }

    /**
     * One client: runs one transaction at a time, retrying an aborted or failed attempt of it with a new timestamp
     * until it commits or the duration is over; the next attempt is sent from the completion of the last.
     */
    private final class Client {
        private final TxnClient client;
        private final SplittableRandom rnd;
        private final long measureStart;
        private final long end;
        private final CountDownLatch done;
        /** The keys of the transaction under way, or null between transactions. */
        private List<ByteString> keys;
        private long t0;

        Client(TxnClient client, SplittableRandom rnd, long measureStart, long end, CountDownLatch done) {
            this.client = client;
            this.rnd = rnd;
            this.measureStart = measureStart;
            this.end = end;
            this.done = done;
        }

        /** Sends the next attempt, or ends the client when the duration is over; continues from its completion. */
        void next() {
            if (keys == null) {
                if (nanoClock.getAsLong() >= end) {
                    resolved.add(client.locksResolved());
                    done.countDown();
                    return;
                }
                keys = pickKeys(rnd);
                t0 = nanoClock.getAsLong();
            }
            CompletableFuture<TxnClient.Outcome> attempt = client.attempt(keys);
            if (attempt.isDone()) {
                // over before any RPC went out (a broken target): pause instead of spinning or recursing
                finished(attempt.join());
                CompletableFuture.runAsync(this::next, RETRY_PAUSE);
                return;
            }
            attempt.thenAccept(outcome -> {
                try {
                    finished(outcome);
                } finally {
                    next();
                }
            });
        }

        private void finished(TxnClient.Outcome outcome) {
            long now = nanoClock.getAsLong();
            if (outcome == TxnClient.Outcome.COMMITTED) {
                totalCommitted.increment();
                if (t0 >= measureStart) {
                    committed.increment();
                    recorder.recordValue(Math.max(0, now - t0));
                }
                keys = null;
                return;
            }
            // a failed attempt counts by when it ended: a transaction begun in the warmup that keeps failing
            // (e.g. the server went away) must still show up as errors
            if (now >= measureStart) {
                (outcome == TxnClient.Outcome.ABORTED ? aborts : errors).increment();
            }
            if (outcome == TxnClient.Outcome.FAILED) {
                lastError = client.lastError();
            }
            if (now >= end) {
                keys = null;
            }
        }
    }

    /** {@code keysPerTxn} distinct keys, in key order. */
    private List<ByteString> pickKeys(SplittableRandom rnd) {
        if (settings.keysPerTxn() == 1) {
            return List.of(key(rnd.nextLong(settings.keys())));
        }
        TreeSet<Long> picked = new TreeSet<>();
        while (picked.size() < settings.keysPerTxn()) {
            picked.add(rnd.nextLong(settings.keys()));
        }
        List<ByteString> keys = new ArrayList<>(picked.size());
        for (long i : picked) {
            keys.add(key(i));
        }
        return keys;
    }
}
