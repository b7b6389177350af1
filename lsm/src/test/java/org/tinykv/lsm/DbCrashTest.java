package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * Crashes the in-memory file system at random points while writes, flushes and compactions run, reopens the
 * crash image, and checks that the recovered state is exactly a prefix of the operations that includes every
 * synced one. Replay a case with {@code -Dlsm.seed=<seed>}.
 */
class DbCrashTest {

    private record Op(boolean delete, String key, String value, boolean sync) {
    }

    @Test
    void recoveredStateIsASyncedPrefix() throws Exception {
        final long base = Long.getLong("lsm.seed", System.nanoTime());
        final int cases = Long.getLong("lsm.seed") != null ? 1 : Integer.getInteger("lsm.crashCases", 200);
        for (int c = 0; c < cases; c++) {
            final long seed = base + c;
            try {
                runCase(seed);
            } catch (final Throwable t) {
                throw new AssertionError("failed with -Dlsm.seed=" + seed, t);
            }
        }
    }

    private void runCase(final long seed) throws Exception {
        final Random rnd = new Random(seed);
        final MemFileSystem fs = new MemFileSystem();
        final DbOptions options = DbModelTest.smallOptions(fs, seed);
        final List<Op> ops = new ArrayList<>();
        int lastSynced = -1;
        final int n = 50 + rnd.nextInt(400);
        final int crashAt = rnd.nextInt(n);
        MemFileSystem image = null;
        try (Db db = Db.open(options)) {
            for (int i = 0; i < n; i++) {
                if (i == crashAt) {
                    image = crash(fs, rnd);
                    break;
                }
                final boolean sync = rnd.nextInt(5) == 0;
                final String k = String.format("k%03d", rnd.nextInt(150));
                final Op op = rnd.nextInt(6) == 0 ? new Op(true, k, null, sync)
                    : new Op(false, k, "v" + i + "x".repeat(rnd.nextInt(600)), sync);
                final WriteOptions wo = sync ? WriteOptions.SYNC : WriteOptions.NO_SYNC;
                if (op.delete()) {
                    db.delete(Cf.DEFAULT, DbModelTest.b(k), wo);
                } else {
                    db.put(Cf.DEFAULT, DbModelTest.b(k), DbModelTest.b(op.value()), wo);
                }
                ops.add(op);
                if (sync) {
                    lastSynced = ops.size() - 1;
                }
                if (rnd.nextInt(60) == 0) {
                    db.flush();
                    lastSynced = ops.size() - 1;
                }
            }
            if (image == null) {
                image = crash(fs, rnd);
            }
        }
        final TreeMap<String, String> recovered = new TreeMap<>();
        try (Db db = Db.open(DbModelTest.smallOptions(image, seed)); DbIterator it = db.newIterator(
            ReadOptions.DEFAULT, Cf.DEFAULT)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                recovered.put(DbModelTest.s(it.key()), DbModelTest.s(it.value()));
            }
        }
        final TreeMap<String, String> model = new TreeMap<>();
        for (int i = 0; i <= lastSynced; i++) {
            apply(model, ops.get(i));
        }
        for (int p = lastSynced + 1; p <= ops.size(); p++) {
            if (model.equals(recovered)) {
                return;
            }
            if (p < ops.size()) {
                apply(model, ops.get(p));
            }
        }
        assertTrue(false, "recovered state is not a prefix of at least " + (lastSynced + 1) + " of " + ops.size()
            + " operations");
    }

    /**
     * A power loss: only synced bytes (optionally a torn unsynced tail) and, in most cases, only synced directory
     * entries survive, so a table or log whose directory entry was never synced is gone; sometimes the directories
     * keep their current entries instead (deleted files stay deleted), as an operating system may persist them.
     */
    private static MemFileSystem crash(final MemFileSystem fs, final Random rnd) {
        return fs.crashClone(rnd, rnd.nextBoolean(), rnd.nextInt(4) == 0);
    }

    private static void apply(final TreeMap<String, String> model, final Op op) {
        if (op.delete()) {
            model.remove(op.key());
        } else {
            model.put(op.key(), op.value());
        }
    }

    @Test
    void reopenAfterCleanCloseKeepsEverything() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 1))) {
            for (int i = 0; i < 3000; i++) {
                db.put(Cf.WRITE, DbModelTest.b("key" + i), DbModelTest.b("value" + i), WriteOptions.NO_SYNC);
            }
        }
        try (Db db = Db.open(DbModelTest.smallOptions(fs.crashClone(), 1))) {
            for (int i = 0; i < 3000; i++) {
                assertEquals("value" + i, DbModelTest.s(db.get(Cf.WRITE, DbModelTest.b("key" + i))));
            }
        }
    }
}
