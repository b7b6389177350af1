package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * The zero-copy accessors of {@link DbIterator} ({@code keyLength}, {@code valueLength}, {@code keyView},
 * {@code valueView}, {@code copyKeyTo}, {@code copyValueTo}) return the same bytes as {@link DbIterator#key()} and
 * {@link DbIterator#value()}, over entries spread across levels, L0 files, the memtable and many small blocks, in
 * both directions and across direction switches. Replay with {@code -Dlsm.accessors.seed=}.
 */
class DbIteratorAccessorsTest {

    private static final class Model {
        final TreeMap<ByteBuffer, byte[]> map = new TreeMap<>((a, b) -> Arrays.compareUnsigned(
            a.array(), b.array()));
    }

    private static byte[] randomBytes(final Random rnd, final int min, final int max) {
        final byte[] b = new byte[min + rnd.nextInt(max - min + 1)];
        rnd.nextBytes(b);
        return b;
    }

    private static void writeSome(final Db db, final Model model, final Random rnd, final int n) throws Exception {
        for (int i = 0; i < n; i++) {
            final byte[] key = ("k" + rnd.nextInt(4000) + "/" + "x".repeat(rnd.nextInt(20)))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (rnd.nextInt(10) == 0) {
                db.delete(Cf.DEFAULT, key, WriteOptions.NO_SYNC);
                model.map.remove(ByteBuffer.wrap(key));
            } else {
                final byte[] value = randomBytes(rnd, 0, 300);
                db.put(Cf.DEFAULT, key, value, WriteOptions.NO_SYNC);
                model.map.put(ByteBuffer.wrap(key), value);
            }
        }
    }

    /** Checks every accessor against key()/value() and the model entry; returns the key. */
    private static byte[] check(final DbIterator it, final Map.Entry<ByteBuffer, byte[]> expected, final String ctx) {
        assertTrue(it.valid(), ctx);
        final byte[] key = it.key();
        final byte[] value = it.value();
        assertArrayEquals(expected.getKey().array(), key, ctx);
        assertArrayEquals(expected.getValue(), value, ctx);
        assertEquals(key.length, it.keyLength(), ctx);
        assertEquals(value.length, it.valueLength(), ctx);
        final ByteBuffer kv = it.keyView();
        assertTrue(kv.isReadOnly(), ctx);
        assertEquals(ByteBuffer.wrap(key), kv, ctx);
        final byte[] kr = new byte[kv.remaining()];
        kv.get(kr);
        assertArrayEquals(key, kr, ctx);
        final ByteBuffer vv = it.valueView();
        assertTrue(vv.isReadOnly(), ctx);
        assertEquals(ByteBuffer.wrap(value), vv, ctx);
        assertEquals(ByteBuffer.wrap(key), it.keyView(), ctx + " (view again, after a relative read)");
        final byte[] kd = new byte[key.length + 3];
        assertEquals(key.length, it.copyKeyTo(kd, 3), ctx);
        assertArrayEquals(key, Arrays.copyOfRange(kd, 3, kd.length), ctx);
        final byte[] vd = new byte[value.length + 1];
        assertEquals(value.length, it.copyValueTo(vd, 1), ctx);
        assertArrayEquals(value, Arrays.copyOfRange(vd, 1, vd.length), ctx);
        assertThrows(ReadOnlyBufferException.class, () -> vv.put(0, (byte) 1), ctx);
        return key;
    }

    @Test
    void accessorsMatchCopiesInBothDirections() throws Exception {
        final long seed = Long.getLong("lsm.accessors.seed", System.nanoTime());
        System.out.println("DbIteratorAccessorsTest seed=" + seed);
        final Random rnd = new Random(seed);
        final MemFileSystem fs = new MemFileSystem();
        final Model model = new Model();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, seed))) {
            writeSome(db, model, rnd, 3000);
            db.flush();
            db.compactRange(Cf.DEFAULT, null, null);
            writeSome(db, model, rnd, 1500);
            db.flush();
            writeSome(db, model, rnd, 500);
            final String ctx = "seed=" + seed;
            try (DbIterator it = db.newIterator(ReadOptions.DEFAULT, Cf.DEFAULT)) {
                it.seekToFirst();
                for (final Map.Entry<ByteBuffer, byte[]> e : model.map.entrySet()) {
                    check(it, e, ctx);
                    it.next();
                }
                assertFalse(it.valid(), ctx);
                assertThrows(IllegalStateException.class, it::keyView, ctx);
                it.seekToLast();
                for (final Map.Entry<ByteBuffer, byte[]> e : model.map.descendingMap().entrySet()) {
                    check(it, e, ctx);
                    it.prev();
                }
                assertFalse(it.valid(), ctx);
                final Object[] entries = model.map.entrySet().toArray();
                for (int round = 0; round < 200; round++) {
                    int at = rnd.nextInt(entries.length);
                    @SuppressWarnings("unchecked")
                    final Map.Entry<ByteBuffer, byte[]> start = (Map.Entry<ByteBuffer, byte[]>) entries[at];
                    it.seek(start.getKey().array());
                    for (int step = 0; step < 8 && at >= 0 && at < entries.length; step++) {
                        @SuppressWarnings("unchecked")
                        final Map.Entry<ByteBuffer, byte[]> e = (Map.Entry<ByteBuffer, byte[]>) entries[at];
                        check(it, e, ctx + " round=" + round + " step=" + step);
                        if (rnd.nextBoolean()) {
                            it.next();
                            at++;
                        } else {
                            it.prev();
                            at--;
                        }
                    }
                }
            }
        }
    }
}
