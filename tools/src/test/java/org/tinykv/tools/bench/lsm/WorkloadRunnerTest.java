package org.tinykv.tools.bench.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The workloads' semantics, checked against an in-memory engine that records what it was asked to do. The seed of
 * keys and values is printed and replays with {@code -Dlsmbench.seed=N}.
 */
final class WorkloadRunnerTest {

    private static final long NUM = 1000;
    private static final long SEED = Long.getLong("lsmbench.seed", 301);

    static {
        System.out.println("WorkloadRunnerTest seed=" + SEED + " (replay with -Dlsmbench.seed=" + SEED + ")");
    }
    private final KeyFormat keys = new KeyFormat(16, NUM);

    @Test
    void fillseqWritesEveryKeyInOrderUnsynced() throws Exception {
        final MapEngine engine = new MapEngine();
        final WorkloadResult r = runner(1).run(Workload.FILLSEQ, engine);
        assertEquals(NUM, r.ops());
        assertEquals(NUM, engine.map.size(), "seed " + SEED);
        assertArrayEquals(keys.key(0), engine.map.firstKey());
        assertArrayEquals(keys.key(NUM - 1), engine.map.lastKey());
        assertEquals(0, engine.syncedPuts.get());
        assertEquals(NUM, r.latencyNanos().getTotalCount());
    }

    @Test
    void fillrandomIsSeededAndStaysInTheKeySpace() throws Exception {
        final MapEngine a = new MapEngine();
        final MapEngine b = new MapEngine();
        runner(1).run(Workload.FILLRANDOM, a);
        runner(1).run(Workload.FILLRANDOM, b);
        assertTrue(a.map.keySet().equals(b.map.keySet()), "same seed, same keys; seed " + SEED);
        assertTrue(a.map.size() < NUM && a.map.size() > NUM / 2, "random keys repeat: " + a.map.size());
        assertTrue(Arrays.compareUnsigned(a.map.lastKey(), keys.key(NUM - 1)) <= 0);
    }

    @Test
    void fillsyncDoesAHundredthOfTheOpsAllSynced() throws Exception {
        final MapEngine engine = new MapEngine();
        final WorkloadResult r = runner(1).run(Workload.FILLSYNC, engine);
        assertEquals(NUM / 100, r.ops());
        assertEquals(NUM / 100, engine.syncedPuts.get());
    }

    @Test
    void readsSplitOverThreadsAndCountHits() throws Exception {
        final MapEngine engine = new MapEngine();
        final WorkloadRunner runner = runner(3);
        runner.preload(engine);
        final WorkloadResult hit = runner.run(Workload.READRANDOM, engine);
        assertEquals(NUM, hit.ops());
        assertEquals(NUM, hit.found());
        assertEquals(NUM, hit.latencyNanos().getTotalCount());
        assertEquals(0, runner.run(Workload.READMISSING, engine).found());
        final WorkloadResult seeks = runner.run(Workload.SEEKRANDOM, engine);
        assertEquals(NUM, seeks.found());
        assertEquals(NUM, engine.cursors.get(), "one iterator per seek");
        final WorkloadResult scan = runner.run(Workload.READSEQ, engine);
        assertEquals(NUM, scan.ops());
        assertTrue(scan.warmupScans() >= WorkloadRunner.READSEQ_STEADY_SCANS
            && scan.warmupScans() <= WorkloadRunner.READSEQ_MAX_WARMUP_SCANS, scan.resultLine());
        assertEquals(NUM + scan.warmupScans() + 1, engine.cursors.get(),
            "readseq: the warm-up scans, then the timed one");
        assertTrue(scan.resultLine().contains(" warmup_scans=" + scan.warmupScans()), scan.resultLine());
        assertEquals("batch" + WorkloadRunner.READSEQ_BATCH, scan.latencyNote());
    }

    @Test
    void scanTimesAreSteadyWhenTheLastThreeAgreeWithinFivePercent() {
        final long[] times = {900, 400, 300, 200, 206, 210, 500};
        assertFalse(WorkloadRunner.steady(times, 2), "fewer scans than the window");
        assertFalse(WorkloadRunner.steady(times, 3));
        assertFalse(WorkloadRunner.steady(times, 5), "300, 200, 206 still spread");
        assertTrue(WorkloadRunner.steady(times, 6), "200, 206, 210");
        assertFalse(WorkloadRunner.steady(times, 7), "a slow scan breaks the run");
        assertTrue(WorkloadRunner.steady(new long[] {100, 105, 105}, 3), "exactly 5% is steady");
        assertFalse(WorkloadRunner.steady(new long[] {100, 106, 100}, 3));
    }

    @Test
    void readWhileWritingReportsReadsAndWrites() throws Exception {
        final MapEngine engine = new MapEngine();
        final WorkloadRunner runner = runner(2);
        runner.preload(engine);
        final WorkloadResult r = runner.run(Workload.READWHILEWRITING, engine);
        assertEquals(NUM, r.ops());
        assertEquals(NUM, r.found(), "the writer only overwrites keys of the key space");
        assertTrue(r.resultLine().contains(" writes_per_sec="), r.resultLine());
        assertEquals(NUM, engine.map.size());
    }

    private WorkloadRunner runner(final int threads) {
        return new WorkloadRunner(NUM, keys, 100, threads, SEED);
    }

    /** A {@link BenchEngine} over a sorted map that counts synced puts and opened cursors. */
    private static final class MapEngine implements BenchEngine {
        final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
        final AtomicLong syncedPuts = new AtomicLong();
        final AtomicLong cursors = new AtomicLong();

        @Override
        public String name() {
            return "map";
        }

        @Override
        public void put(final byte[] key, final byte[] value, final boolean sync) {
            map.put(key, value);
            if (sync) {
                syncedPuts.incrementAndGet();
            }
        }

        @Override
        public byte[] get(final byte[] key) {
            return map.get(key);
        }

        @Override
        public Cursor newCursor() {
            cursors.incrementAndGet();
            return new Cursor() {
                private Map.Entry<byte[], byte[]> current;

                @Override
                public void seekToFirst() {
                    current = map.firstEntry();
                }

                @Override
                public void seek(final byte[] target) {
                    current = map.ceilingEntry(target);
                }

                @Override
                public boolean valid() {
                    return current != null;
                }

                @Override
                public void next() {
                    current = map.higherEntry(current.getKey());
                }

                @Override
                public byte[] key() {
                    return current.getKey();
                }

                @Override
                public byte[] value() {
                    return current.getValue();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public String statsSummary() {
            return "entries=" + map.size();
        }

        @Override
        public void close() {
        }
    }
}
