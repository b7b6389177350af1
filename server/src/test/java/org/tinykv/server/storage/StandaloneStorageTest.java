package org.tinykv.server.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.wal.fs.OsFileSystem;

class StandaloneStorageTest {

    @TempDir
    Path dir;

    private StandaloneStorage open() throws IOException {
        return StandaloneStorage.open(new OsFileSystem(), dir, StandaloneOptions.defaults());
    }

    private static byte[] b(final String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void columnFamilyNames() throws UnknownColumnFamilyException {
        assertEquals(Cf.DEFAULT, StandaloneStorage.columnFamily("default"));
        assertEquals(Cf.DEFAULT, StandaloneStorage.columnFamily(""));
        assertEquals(Cf.LOCK, StandaloneStorage.columnFamily("lock"));
        assertEquals(Cf.WRITE, StandaloneStorage.columnFamily("write"));
        for (String bad : new String[] {"raft", "Default", "nope", " default"}) {
            final UnknownColumnFamilyException e = assertThrows(UnknownColumnFamilyException.class,
                () -> StandaloneStorage.columnFamily(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void putGetDeleteAreSeparatePerColumnFamilyAndSurviveReopen() throws IOException {
        try (StandaloneStorage s = open()) {
            s.put(Cf.DEFAULT, b("k"), b("d"));
            s.put(Cf.LOCK, b("k"), b("l"));
            s.put(Cf.WRITE, b("k"), b("w"));
            s.put(Cf.DEFAULT, b("gone"), b("x"));
            s.delete(Cf.DEFAULT, b("gone"));
            s.delete(Cf.DEFAULT, b("never-there"));
            s.put(Cf.DEFAULT, b("empty"), new byte[0]);
        }
        try (StandaloneStorage s = open()) {
            assertArrayEquals(b("d"), s.get(Cf.DEFAULT, b("k")));
            assertArrayEquals(b("l"), s.get(Cf.LOCK, b("k")));
            assertArrayEquals(b("w"), s.get(Cf.WRITE, b("k")));
            assertNull(s.get(Cf.DEFAULT, b("gone")));
            assertArrayEquals(new byte[0], s.get(Cf.DEFAULT, b("empty")));
        }
    }

    @Test
    void scanHonoursStartKeyLimitAndOrder() throws IOException {
        try (StandaloneStorage s = open()) {
            for (String k : new String[] {"b", "a", "d", "c", "\u00ff"}) {
                s.put(Cf.DEFAULT, b(k), b("v" + k));
            }
            s.put(Cf.WRITE, b("a0"), b("other cf"));
            assertEquals(List.of(), keys(s.scan(Cf.DEFAULT, b("a"), 0)));
            assertEquals(List.of("a"), keys(s.scan(Cf.DEFAULT, b(""), 1)));
            assertEquals(List.of("b", "c"), keys(s.scan(Cf.DEFAULT, b("b"), 2)));
            assertEquals(List.of("c", "d", "\u00ff"), keys(s.scan(Cf.DEFAULT, b("bb"), 100)));
            assertEquals(List.of(), keys(s.scan(Cf.DEFAULT, new byte[] {(byte) 0xff, (byte) 0xff}, 10)));
            assertEquals(List.of("a0"), keys(s.scan(Cf.WRITE, b(""), 10)));
            assertEquals(List.of(), keys(s.scan(Cf.LOCK, b(""), 10)));
            assertArrayEquals(b("vc"), s.scan(Cf.DEFAULT, b("c"), 1).get(0).value());
        }
    }

    @Test
    void matchesAModelUnderRandomOperations() throws IOException {
        final long seed = Long.getLong("tinykv.storage.seed", new SplittableRandom().nextLong());
        final SplittableRandom rnd = new SplittableRandom(seed);
        System.out.println("StandaloneStorageTest seed=" + seed);
        final TreeMap<String, String> model = new TreeMap<>();
        try (StandaloneStorage s = open()) {
            for (int i = 0; i < 400; i++) {
                final String key = "k" + rnd.nextInt(60);
                final int op = rnd.nextInt(10);
                if (op < 5) {
                    final String value = "v" + rnd.nextInt(1000);
                    s.put(Cf.DEFAULT, b(key), b(value));
                    model.put(key, value);
                } else if (op < 7) {
                    s.delete(Cf.DEFAULT, b(key));
                    model.remove(key);
                } else {
                    final int limit = rnd.nextInt(8);
                    final List<String> expected = model.tailMap(key, true).entrySet().stream().limit(limit)
                        .map(e -> e.getKey() + "=" + e.getValue()).toList();
                    final List<String> actual = s.scan(Cf.DEFAULT, b(key), limit).stream()
                        .map(kv -> new String(kv.key(), UTF_8) + "=" + new String(kv.value(), UTF_8)).toList();
                    assertEquals(expected, actual, "seed=" + seed + " (replay with -Dtinykv.storage.seed=" + seed
                        + ") step " + i);
                }
            }
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertArrayEquals(b(e.getValue()), s.get(Cf.DEFAULT, b(e.getKey())), "seed=" + seed);
            }
        }
    }

    @Test
    void scansAndGetsSeeDataAcrossFlushesAndReopen() throws IOException {
        final StandaloneOptions small = new StandaloneOptions(1 << 20, 1 << 20);
        final byte[] value = new byte[1000];
        try (StandaloneStorage s = StandaloneStorage.open(new OsFileSystem(), dir, small)) {
            for (int b = 0; b < 30; b++) {
                final WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 100; i++) {
                    value[0] = (byte) i;
                    batch.put(Cf.WRITE, b(String.format("f%05d", b * 100 + i)), value.clone());
                }
                s.write(batch);
            }
            s.delete(Cf.WRITE, b("f00042"));
            assertTrue(s.stats().flushes() > 0, "expected flushes with 1 MiB memtables: " + s.stats());
            assertEquals(2999, s.scan(Cf.WRITE, b(""), 10_000).size());
        }
        try (StandaloneStorage s = StandaloneStorage.open(new OsFileSystem(), dir, small)) {
            final List<KeyValue> all = s.scan(Cf.WRITE, b("f00040"), 3);
            assertEquals(List.of("f00040", "f00041", "f00043"), keys(all));
            assertEquals(43 % 100, all.get(2).value()[0]);
            assertNull(s.get(Cf.WRITE, b("f00042")));
            assertEquals(1000, s.get(Cf.WRITE, b("f02999")).length);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() throws IOException {
        try (StandaloneStorage s = open()) {
            final DataDirLockedException e = assertThrows(DataDirLockedException.class, this::open);
            assertTrue(e.getMessage().contains("in use by another tinykv-server"), e.getMessage());
            assertEquals(dir, s.dataDir());
        }
        open().close();
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class,
            () -> StandaloneStorage.open(new OsFileSystem(), dir, new StandaloneOptions(10, 0)));
        assertThrows(IllegalArgumentException.class,
            () -> StandaloneStorage.open(new OsFileSystem(), dir, new StandaloneOptions(1 << 20, -1)));
    }

    private static List<String> keys(final List<KeyValue> pairs) {
        return pairs.stream().map(kv -> new String(kv.key(), UTF_8)).toList();
    }
}
