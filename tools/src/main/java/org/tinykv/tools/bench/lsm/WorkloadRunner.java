package org.tinykv.tools.bench.lsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@link Workload} on one {@link BenchEngine} and measures it: wall-clock time of the whole timed phase and
 * the latency of each operation (nanoseconds, into an HdrHistogram). {@code readseq} is untimed warm-up scans until
 * the scan time is steady, then one timed scan, timed in batches of {@value #READSEQ_BATCH} entries, each batch
 * recorded as that many ops of the batch's mean latency, because one {@code next()} is about as fast as a clock
 * read; every other workload times each operation. Steady means the last {@value #READSEQ_STEADY_SCANS} warm-up
 * scans took times within {@value #READSEQ_STEADY_SPREAD_PERCENT}% of each other (at most
 * {@value #READSEQ_MAX_WARMUP_SCANS} warm-ups), the same rule for every engine: a JVM engine's scan path is
 * compiled, deoptimized (the first block-cache hit, the first table end) and recompiled over its first 3 to 5 scans
 * of a million entries, and a fixed count of warm-ups timed whichever stage of that the scan happened to reach.
 * Scans (readseq, seekrandom's nexts) read each entry through {@link BenchEngine.Cursor#readEntry()}: key and value
 * copied into the cursor's reused buffers by the engine's own no-allocation accessors, as a caller that keeps no
 * copy would.
 *
 * <p>Fills and readseq run on one thread; readrandom, readmissing and seekrandom split {@code num} operations over
 * {@code threads} threads; readwhilewriting runs {@code threads} readers (num gets in all) and one writer of random
 * puts that stops when the readers are done. Keys and values derive from the seed and the workload only, so both
 * engines see exactly the same operations.
 *
 * <p>Thread-safety: not thread-safe; one runner drives one workload at a time.
 */
final class WorkloadRunner {

    static final int READSEQ_BATCH = 100;
    static final int READSEQ_STEADY_SCANS = 3;
    static final int READSEQ_STEADY_SPREAD_PERCENT = 5;
    static final int READSEQ_MAX_WARMUP_SCANS = 12;
    static final int SEEK_NEXTS = 10;
    private static final long HIGHEST_TRACKABLE_NANOS = 600_000_000_000L;

    private final long num;
    private final KeyFormat keys;
    private final int valueBytes;
    private final int threads;
    private final long seed;

    /**
     * @param num        the key space and the operation count ({@code 0..num-1})
     * @param keys       the key format
     * @param valueBytes size of each value
     * @param threads    reader threads for the read workloads
     * @param seed       seed of keys and values
     */
    WorkloadRunner(final long num, final KeyFormat keys, final int valueBytes, final int threads, final long seed) {
        if (num < 1 || threads < 1) {
            throw new IllegalArgumentException("num and threads must be >= 1, got " + num + ", " + threads);
        }
        this.num = num;
        this.keys = keys;
        this.valueBytes = valueBytes;
        this.threads = threads;
        this.seed = seed;
    }

    /** Number of operations {@code workload} does. */
    long opsOf(final Workload workload) {
        return workload == Workload.FILLSYNC ? Math.max(1, num / 100) : num;
    }

    /** Writes keys {@code 0..num-1} in order, untimed: the data a read workload needs when no fill ran before. */
    void preload(final BenchEngine engine) throws IOException {
        final ValueGenerator values = new ValueGenerator(valueBytes, seed);
        for (long i = 0; i < num; i++) {
            engine.put(keys.key(i), values.next(), false);
        }
    }

    /** Runs {@code workload} on {@code engine}, which holds the data the workload needs. */
    WorkloadResult run(final Workload workload, final BenchEngine engine) throws IOException {
        return switch (workload) {
            case FILLSEQ -> fill(workload, engine, false, false);
            case FILLRANDOM, OVERWRITE -> fill(workload, engine, true, false);
            case FILLSYNC -> fill(workload, engine, true, true);
            case READRANDOM, READMISSING, SEEKRANDOM -> parallelReads(workload, engine);
            case READSEQ -> readSequential(engine);
            case READWHILEWRITING -> readWhileWriting(engine);
        };
    }

    private WorkloadResult fill(final Workload workload, final BenchEngine engine, final boolean random,
                                final boolean sync) throws IOException {
        final long ops = opsOf(workload);
        final SplittableRandom rnd = new SplittableRandom(threadSeed(workload, 0));
        final ValueGenerator values = new ValueGenerator(valueBytes, seed);
        final Histogram histogram = newHistogram();
        final long start = System.nanoTime();
        for (long i = 0; i < ops; i++) {
            final byte[] key = keys.key(random ? rnd.nextLong(num) : i);
            final byte[] value = values.next();
            final long t0 = System.nanoTime();
            engine.put(key, value, sync);
            histogram.recordValue(System.nanoTime() - t0);
        }
        final long elapsed = System.nanoTime() - start;
        return new WorkloadResult(workload, engine.name(), ops, elapsed, histogram, -1, 0, "op", -1, -1);
    }

    private WorkloadResult readSequential(final BenchEngine engine) throws IOException {
        long warmed = 0;
        final long[] warmupNanos = new long[READSEQ_MAX_WARMUP_SCANS];
        int warmups = 0;
        while (warmups < READSEQ_MAX_WARMUP_SCANS && !steady(warmupNanos, warmups)) {
            final long t0 = System.nanoTime();
            warmed = scan(engine, null, new long[1]);
            warmupNanos[warmups++] = System.nanoTime() - t0;
        }
        final Histogram histogram = newHistogram();
        final long[] bytes = new long[1];
        final long start = System.nanoTime();
        final long count = scan(engine, histogram, bytes);
        final long elapsed = System.nanoTime() - start;
        if (count != warmed) {
            throw new IllegalStateException("readseq read " + count + " entries, its warm-up " + warmed);
        }
        if (count > 0 && bytes[0] < count) {
            throw new IllegalStateException("readseq read " + count + " entries but only " + bytes[0] + " bytes");
        }
        return new WorkloadResult(Workload.READSEQ, engine.name(), count, elapsed, histogram, count, 0,
            "batch" + READSEQ_BATCH, -1, -1).withWarmupScans(warmups);
    }

    /**
     * Whether the last {@value #READSEQ_STEADY_SCANS} of the first {@code count} scan times lie within
     * {@value #READSEQ_STEADY_SPREAD_PERCENT}% of the fastest of them.
     */
    static boolean steady(final long[] scanNanos, final int count) {
        if (count < READSEQ_STEADY_SCANS) {
            return false;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = count - READSEQ_STEADY_SCANS; i < count; i++) {
            min = Math.min(min, scanNanos[i]);
            max = Math.max(max, scanNanos[i]);
        }
        return max * 100 <= min * (100L + READSEQ_STEADY_SPREAD_PERCENT);
    }

    /**
     * One full scan reading every entry through {@link BenchEngine.Cursor#readEntry()}, at most {@code num}
     * entries; adds the bytes read to {@code bytes[0]} and, if {@code histogram} is given, records the mean latency of
     * each batch of {@value #READSEQ_BATCH} entries.
     */
    private long scan(final BenchEngine engine, final Histogram histogram, final long[] bytes) throws IOException {
        long count = 0;
        long read = 0;
        try (BenchEngine.Cursor cursor = engine.newCursor()) {
            long batchStart = System.nanoTime();
            int inBatch = 0;
            cursor.seekToFirst();
            while (cursor.valid() && count < num) {
                read += cursor.readEntry();
                count++;
                cursor.next();
                if (histogram != null && ++inBatch == READSEQ_BATCH) {
                    final long now = System.nanoTime();
                    histogram.recordValueWithCount((now - batchStart) / inBatch, inBatch);
                    batchStart = now;
                    inBatch = 0;
                }
            }
            if (histogram != null && inBatch > 0) {
                histogram.recordValueWithCount((System.nanoTime() - batchStart) / inBatch, inBatch);
            }
        }
        bytes[0] += read;
        return count;
    }

    private WorkloadResult parallelReads(final Workload workload, final BenchEngine engine) throws IOException {
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final List<Future<ReaderOutcome>> futures = new ArrayList<>();
            final long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> readLoop(workload, engine, thread, share(thread), null)));
            }
            final ReaderOutcome total = collect(futures);
            final long elapsed = System.nanoTime() - start;
            return new WorkloadResult(workload, engine.name(), total.ops, elapsed, total.histogram, total.found, 0,
                "op", -1, -1);
        } finally {
            pool.shutdownNow();
        }
    }

    private WorkloadResult readWhileWriting(final BenchEngine engine) throws IOException {
        final ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        final AtomicBoolean readersDone = new AtomicBoolean();
        try {
            final Future<Long> writer = pool.submit(() -> writeUntil(engine, readersDone));
            final List<Future<ReaderOutcome>> futures = new ArrayList<>();
            final long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> readLoop(Workload.READWHILEWRITING, engine, thread, share(thread),
                    writer)));
            }
            final ReaderOutcome total;
            try {
                total = collect(futures);
            } finally {
                readersDone.set(true);
            }
            final long elapsed = System.nanoTime() - start;
            final long writes = await(writer);
            return new WorkloadResult(Workload.READWHILEWRITING, engine.name(), total.ops, elapsed, total.histogram,
                total.found, writes, "op", -1, -1);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The writer of readwhilewriting: random puts until {@code stop}; returns the number of puts. */
    private long writeUntil(final BenchEngine engine, final AtomicBoolean stop) throws IOException {
        final SplittableRandom rnd = new SplittableRandom(threadSeed(Workload.READWHILEWRITING, threads));
        final ValueGenerator values = new ValueGenerator(valueBytes, seed + 1);
        long writes = 0;
        while (!stop.get()) {
            engine.put(keys.key(rnd.nextLong(num)), values.next(), false);
            writes++;
        }
        return writes;
    }

    private ReaderOutcome readLoop(final Workload workload, final BenchEngine engine, final int thread,
                                   final long ops, final Future<Long> writer) throws IOException {
        final SplittableRandom rnd = new SplittableRandom(threadSeed(workload, thread));
        final Histogram histogram = newHistogram();
        long found = 0;
        for (long i = 0; i < ops; i++) {
            if (writer != null && writer.isDone()) {
                await(writer);
                throw new IllegalStateException("readwhilewriting: the writer stopped before the readers");
            }
            final long n = rnd.nextLong(num);
            final byte[] key = workload == Workload.READMISSING ? keys.missingKey(n) : keys.key(n);
            final boolean hit;
            if (workload == Workload.SEEKRANDOM) {
                final long t0 = System.nanoTime();
                hit = seekAndScan(engine, key);
                histogram.recordValue(System.nanoTime() - t0);
            } else {
                final long t0 = System.nanoTime();
                final byte[] value = engine.get(key);
                histogram.recordValue(System.nanoTime() - t0);
                hit = value != null;
                if (hit && value.length != valueBytes) {
                    throw new IllegalStateException(engine.name() + " returned a value of " + value.length
                        + " bytes for key " + n + ", expected " + valueBytes);
                }
            }
            if (hit) {
                found++;
            }
        }
        return new ReaderOutcome(ops, found, histogram);
    }

    private static boolean seekAndScan(final BenchEngine engine, final byte[] key) throws IOException {
        try (BenchEngine.Cursor cursor = engine.newCursor()) {
            cursor.seek(key);
            final boolean hit = cursor.valid();
            for (int j = 0; j < SEEK_NEXTS && cursor.valid(); j++) {
                if (cursor.readEntry() <= 0) {
                    throw new IllegalStateException("cursor returned an empty entry");
                }
                cursor.next();
            }
            return hit;
        }
    }

    private long share(final int thread) {
        return num / threads + (thread < num % threads ? 1 : 0);
    }

    private long threadSeed(final Workload workload, final int thread) {
        return seed * 1_000_003L + workload.ordinal() * 7_919L + thread;
    }

    private static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    }

    private static ReaderOutcome collect(final List<Future<ReaderOutcome>> futures) throws IOException {
        final ReaderOutcome total = new ReaderOutcome(0, 0, newHistogram());
        long ops = 0;
        long found = 0;
        for (Future<ReaderOutcome> future : futures) {
            final ReaderOutcome one = await(future);
            ops += one.ops;
            found += one.found;
            total.histogram.add(one.histogram);
        }
        return new ReaderOutcome(ops, found, total.histogram);
    }

    private static <T> T await(final Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a benchmark thread", e);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("benchmark thread failed", cause);
        }
    }

    /** What one reader thread did. */
    private record ReaderOutcome(long ops, long found, Histogram histogram) {
    }
}
