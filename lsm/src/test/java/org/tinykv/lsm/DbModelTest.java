package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * Random sequences of puts, deletes, range deletes, batches, snapshots, iterators, flushes, compactions and reopens
 * checked against a sorted-map model. Replay a failure with {@code -Dlsm.seed=<seed>}.
 */
class DbModelTest {

    private static final Path DIR = Path.of("/db");
    private static final Cf[] CFS = {Cf.DEFAULT, Cf.LOCK, Cf.WRITE};

    static DbOptions smallOptions(final MemFileSystem fs, final long seed) {
        return DbOptions.builder(fs, DIR).memtableBytes(64 << 10).targetFileBytes(64 << 10)
            .maxBytesForLevelBase(1 << 20).levelMultiplier(4).l0Triggers(2, 8, 12).blockSize(512)
            .blockCacheBytes(1 << 20).randomSeed(seed).build();
    }

    static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(final byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private record Snap(Snapshot snapshot, List<TreeMap<String, String>> models) {
    }

    @Test
    void randomOperationsMatchModel() throws Exception {
        final long base = Long.getLong("lsm.seed", System.nanoTime());
        final int runs = Long.getLong("lsm.seed") != null ? 1 : Integer.getInteger("lsm.runs", 6);
        for (int r = 0; r < runs; r++) {
            final long seed = base + r;
            try {
                runOne(seed, 1500);
            } catch (final Throwable t) {
                throw new AssertionError("failed with -Dlsm.seed=" + seed, t);
            }
        }
    }

    private void runOne(final long seed, final int ops) throws Exception {
        final Random rnd = new Random(seed);
        final MemFileSystem fs = new MemFileSystem();
        final List<TreeMap<String, String>> model = new ArrayList<>();
        for (int i = 0; i < CFS.length; i++) {
            model.add(new TreeMap<>());
        }
        final List<Snap> snaps = new ArrayList<>();
        Db db = Db.open(smallOptions(fs, seed));
        try {
            for (int op = 0; op < ops; op++) {
                final int choice = rnd.nextInt(100);
                final int cfi = rnd.nextInt(CFS.length);
                final Cf cf = CFS[cfi];
                final TreeMap<String, String> m = model.get(cfi);
                if (choice < 40) {
                    final String k = key(rnd);
                    final String v = value(rnd, op);
                    db.put(cf, b(k), b(v), rnd.nextBoolean() ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
                    m.put(k, v);
                } else if (choice < 50) {
                    final String k = key(rnd);
                    db.delete(cf, b(k), WriteOptions.NO_SYNC);
                    m.remove(k);
                } else if (choice < 54) {
                    String a = key(rnd);
                    String z = key(rnd);
                    if (a.compareTo(z) > 0) {
                        final String t = a;
                        a = z;
                        z = t;
                    }
                    db.deleteRange(cf, b(a), b(z), WriteOptions.NO_SYNC);
                    m.subMap(a, true, z, false).clear();
                } else if (choice < 62) {
                    final WriteBatch batch = new WriteBatch();
                    for (int i = 0; i < 1 + rnd.nextInt(20); i++) {
                        final int ci = rnd.nextInt(CFS.length);
                        final String k = key(rnd);
                        if (rnd.nextInt(4) == 0) {
                            batch.delete(CFS[ci], b(k));
                            model.get(ci).remove(k);
                        } else {
                            final String v = value(rnd, op);
                            batch.put(CFS[ci], b(k), b(v));
                            model.get(ci).put(k, v);
                        }
                    }
                    db.write(batch, WriteOptions.NO_SYNC);
                } else if (choice < 75) {
                    final String k = key(rnd);
                    final byte[] got = db.get(cf, b(k));
                    assertEquals(m.get(k), got == null ? null : s(got), "get " + cf + " " + k + " op " + op);
                } else if (choice < 79) {
                    checkIterator(db, cf, m, null, rnd);
                } else if (choice < 81) {
                    final List<TreeMap<String, String>> copy = new ArrayList<>();
                    for (final TreeMap<String, String> x : model) {
                        copy.add(new TreeMap<>(x));
                    }
                    snaps.add(new Snap(db.getSnapshot(), copy));
                } else if (choice < 84 && !snaps.isEmpty()) {
                    final Snap sn = snaps.get(rnd.nextInt(snaps.size()));
                    checkIterator(db, cf, sn.models().get(cfi), sn.snapshot(), rnd);
                    final String k = key(rnd);
                    final byte[] got = db.get(ReadOptions.builder().snapshot(sn.snapshot()).build(), cf, b(k));
                    assertEquals(sn.models().get(cfi).get(k), got == null ? null : s(got), "snapshot get " + k);
                } else if (choice < 85 && !snaps.isEmpty()) {
                    snaps.remove(rnd.nextInt(snaps.size())).snapshot().close();
                } else if (choice < 88) {
                    db.flush();
                } else if (choice < 90) {
                    db.compactRange(cf, rnd.nextBoolean() ? null : b(key(rnd)), null);
                } else if (choice < 91) {
                    for (final Snap sn : snaps) {
                        sn.snapshot().close();
                    }
                    snaps.clear();
                    db.close();
                    db = Db.open(smallOptions(fs, seed));
                } else {
                    final String k = key(rnd);
                    final String v = value(rnd, op);
                    db.put(cf, b(k), b(v), WriteOptions.NO_SYNC);
                    m.put(k, v);
                }
            }
            for (int i = 0; i < CFS.length; i++) {
                checkIterator(db, CFS[i], model.get(i), null, rnd);
            }
        } finally {
            db.close();
        }
    }

    private static String key(final Random rnd) {
        return String.format("k%04d", rnd.nextInt(rnd.nextBoolean() ? 300 : 3000));
    }

    private static String value(final Random rnd, final int op) {
        return "v" + op + "-" + "x".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 2000 : 40));
    }

    static void checkIterator(final Db db, final Cf cf, final TreeMap<String, String> model, final Snapshot snap,
                              final Random rnd) {
        String lo = rnd.nextInt(3) == 0 ? key(rnd) : null;
        String hi = rnd.nextInt(3) == 0 ? key(rnd) : null;
        if (lo != null && hi != null && lo.compareTo(hi) > 0) {
            final String t = lo;
            lo = hi;
            hi = t;
        }
        final ReadOptions.Builder rb = ReadOptions.builder().snapshot(snap);
        if (lo != null) {
            rb.lowerBound(b(lo));
        }
        if (hi != null) {
            rb.upperBound(b(hi));
        }
        NavigableMap<String, String> view = model;
        if (lo != null) {
            view = view.tailMap(lo, true);
        }
        if (hi != null) {
            view = view.headMap(hi, false);
        }
        try (DbIterator it = db.newIterator(rb.build(), cf)) {
            final List<Map.Entry<String, String>> expected = new ArrayList<>(view.entrySet());
            it.seekToFirst();
            for (final Map.Entry<String, String> e : expected) {
                assertEquals(e.getKey(), it.valid() ? s(it.key()) : null, "forward scan");
                assertEquals(e.getValue(), s(it.value()));
                it.next();
            }
            assertFalse(it.valid(), "forward scan end");
            it.seekToLast();
            final List<String> back = new ArrayList<>();
            while (it.valid() && back.size() < expected.size() + 5) {
                back.add(s(it.key()));
                it.prev();
            }
            final List<String> wantBack = new ArrayList<>();
            for (int i = expected.size() - 1; i >= 0; i--) {
                wantBack.add(expected.get(i).getKey());
            }
            assertEquals(wantBack, back, "backward scan, bounds " + lo + ".." + hi + " snapshot " + (snap != null));
            it.seekToLast();
            for (int i = expected.size() - 1; i >= 0; i--) {
                assertEquals(expected.get(i).getKey(), it.valid() ? s(it.key()) : null, "backward scan");
                assertArrayEquals(b(expected.get(i).getValue()), it.value());
                it.prev();
            }
            assertFalse(it.valid(), "backward scan end");
            for (int i = 0; i < 10; i++) {
                final String t = key(rnd);
                final boolean forPrev = rnd.nextBoolean();
                String want;
                if (forPrev) {
                    it.seekForPrev(b(t));
                    want = view.floorKey(t);
                } else {
                    it.seek(b(t));
                    want = view.ceilingKey(t);
                }
                assertEquals(want, it.valid() ? s(it.key()) : null, (forPrev ? "seekForPrev " : "seek ") + t);
                for (int step = 0; step < 5 && want != null; step++) {
                    if (rnd.nextBoolean()) {
                        it.next();
                        want = view.higherKey(want);
                    } else {
                        it.prev();
                        want = view.lowerKey(want);
                    }
                    assertEquals(want, it.valid() ? s(it.key()) : null, "step after seek " + t);
                    if (want != null) {
                        assertEquals(view.get(want), s(it.value()));
                    }
                }
            }
        }
    }
}
