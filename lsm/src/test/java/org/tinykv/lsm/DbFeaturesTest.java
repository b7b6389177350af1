package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.compaction.CompactionFilter;
import org.tinykv.lsm.sstable.SstFileWriter;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** Ingestion, range deletion, compaction filter, corruption detection and concurrent use. */
class DbFeaturesTest {

    private static final Path DIR = Path.of("/db");

    private static byte[] b(final String s) {
        return DbModelTest.b(s);
    }

    @Test
    void ingestedFilesAreVisibleAndNewerThanExistingData() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 3))) {
            db.put(Cf.DEFAULT, b("a1"), b("old"), WriteOptions.SYNC);
            db.flush();
            db.compactRange(Cf.DEFAULT, null, null);
            final Path sst = Path.of("/snap/1.sst");
            fs.createDirectories(sst.getParent());
            try (SstFileWriter w = SstFileWriter.open(fs, sst)) {
                w.put(b("a1"), b("ingested"));
                w.put(b("a2"), b("two"));
                w.delete(b("a3"));
                w.finish();
            }
            db.put(Cf.DEFAULT, b("a3"), b("three"), WriteOptions.SYNC);
            db.ingestExternalFiles(Cf.DEFAULT, List.of(sst));
            assertEquals("ingested", DbModelTest.s(db.get(Cf.DEFAULT, b("a1"))));
            assertEquals("two", DbModelTest.s(db.get(Cf.DEFAULT, b("a2"))));
            assertNull(db.get(Cf.DEFAULT, b("a3")));
            db.put(Cf.DEFAULT, b("a2"), b("after"), WriteOptions.SYNC);
            assertEquals("after", DbModelTest.s(db.get(Cf.DEFAULT, b("a2"))));
        }
        try (Db db = Db.open(DbModelTest.smallOptions(fs.crashClone(), 3))) {
            assertEquals("ingested", DbModelTest.s(db.get(Cf.DEFAULT, b("a1"))));
            assertEquals("after", DbModelTest.s(db.get(Cf.DEFAULT, b("a2"))));
            db.compactRange(Cf.DEFAULT, null, null);
            assertEquals("ingested", DbModelTest.s(db.get(Cf.DEFAULT, b("a1"))));
            assertNull(db.get(Cf.DEFAULT, b("a3")));
        }
    }

    @Test
    void compactionFilterRemovesValuesAndTombstonesAreDropped() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final CompactionFilter.Factory factory = (level, manual) -> (lvl, key, value) ->
            DbModelTest.s(value).startsWith("gc") ? CompactionFilter.Decision.REMOVE : CompactionFilter.Decision.KEEP;
        final DbOptions options = DbOptions.builder(fs, DIR).compactionFilter(Cf.WRITE, factory).build();
        try (Db db = Db.open(options)) {
            for (int i = 0; i < 100; i++) {
                db.put(Cf.WRITE, b(String.format("k%03d", i)), b(i % 2 == 0 ? "gc" + i : "keep" + i),
                    WriteOptions.NO_SYNC);
            }
            db.deleteRange(Cf.WRITE, b("k050"), b("k060"), WriteOptions.NO_SYNC);
            db.compactRange(Cf.WRITE, null, null);
            assertNull(db.get(Cf.WRITE, b("k000")));
            assertEquals("keep1", DbModelTest.s(db.get(Cf.WRITE, b("k001"))));
            assertNull(db.get(Cf.WRITE, b("k051")));
            assertEquals("keep61", DbModelTest.s(db.get(Cf.WRITE, b("k061"))));
            final DbStats stats = db.stats();
            long entries = 0;
            for (final DbStats.LevelStats l : stats.levels().get(Cf.WRITE)) {
                entries += l.files();
            }
            assertTrue(entries >= 1);
            assertTrue(db.approximateSize(Cf.WRITE, null, null) > 0);
        }
    }

    private static void flipByte(final MemFileSystem fs, final Path p, final long offset) throws IOException {
        final byte[] data;
        try (RandomAccessFile f = fs.openRandomAccess(p)) {
            data = new byte[(int) f.size()];
            f.read(0, data, 0, data.length);
        }
        final int at = (int) (offset < 0 ? data.length + offset : offset);
        data[at] ^= 0x10;
        try (WritableFile w = fs.create(p)) {
            w.append(data, 0, data.length);
            w.sync();
        }
    }

    private static Path onlyFile(final MemFileSystem fs, final FileNames.Kind kind) throws IOException {
        for (final String name : fs.list(DIR)) {
            if (FileNames.parse(name).kind() == kind) {
                return DIR.resolve(name);
            }
        }
        throw new AssertionError("no " + kind);
    }

    private static MemFileSystem dbWithOneTable() throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = Db.open(DbOptions.builder(fs, DIR).build())) {
            for (int i = 0; i < 500; i++) {
                db.put(Cf.DEFAULT, b(String.format("k%04d", i)), b("value" + i), WriteOptions.NO_SYNC);
            }
            db.flush();
        }
        return fs;
    }

    @Test
    void flippedBitsAreReportedWithFileAndOffset() throws Exception {
        final MemFileSystem dataFs = dbWithOneTable();
        final Path table = onlyFile(dataFs, FileNames.Kind.TABLE);
        flipByte(dataFs, table, 5);
        try (Db db = Db.open(DbOptions.builder(dataFs, DIR).build())) {
            final IOException e = assertThrows(IOException.class, () -> db.get(Cf.DEFAULT, b("k0000")));
            final CorruptionException ce = assertInstanceOf(e);
            assertEquals(table.toString(), ce.file());
            assertEquals(0, ce.offset());
        }
        final MemFileSystem footerFs = dbWithOneTable();
        flipByte(footerFs, onlyFile(footerFs, FileNames.Kind.TABLE), -3);
        try (Db db = Db.open(DbOptions.builder(footerFs, DIR).build())) {
            assertInstanceOf(assertThrows(IOException.class, () -> db.get(Cf.DEFAULT, b("k0001"))));
        }
        final MemFileSystem manifestFs = dbWithOneTable();
        flipByte(manifestFs, onlyFile(manifestFs, FileNames.Kind.MANIFEST), 20);
        assertThrows(CorruptionException.class, () -> Db.open(DbOptions.builder(manifestFs, DIR).build()));
        final MemFileSystem walFs = new MemFileSystem();
        try (Db db = Db.open(DbOptions.builder(walFs, DIR).build())) {
            for (int i = 0; i < 50; i++) {
                db.put(Cf.DEFAULT, b("w" + i), b("value" + i), WriteOptions.SYNC);
            }
        }
        final MemFileSystem walImage = walFs.crashClone();
        flipByte(walImage, onlyFile(walImage, FileNames.Kind.LOG), 12);
        assertThrows(CorruptionException.class, () -> Db.open(DbOptions.builder(walImage, DIR).build()));
    }

    private static CorruptionException assertInstanceOf(final Throwable e) {
        Throwable t = e;
        while (t != null && !(t instanceof CorruptionException)) {
            t = t.getCause();
        }
        assertTrue(t != null, "expected a CorruptionException, got " + e);
        return (CorruptionException) t;
    }

    @Test
    void concurrentWritersReadersAndCompactions() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 9))) {
            final Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                final int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        for (int i = 0; i < 1500; i++) {
                            final byte[] k = b("t" + id + "-" + String.format("%05d", i));
                            if (id < 2) {
                                db.put(Cf.DEFAULT, k, b("v" + i + "x".repeat(100)), i % 50 == 0
                                    ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
                                assertArrayEquals(b("v" + i + "x".repeat(100)), db.get(Cf.DEFAULT, k));
                            } else {
                                try (Snapshot s = db.getSnapshot(); DbIterator it = db.newIterator(
                                    ReadOptions.builder().snapshot(s).build(), Cf.DEFAULT)) {
                                    String prev = null;
                                    int n = 0;
                                    for (it.seekToFirst(); it.valid() && n < 200; it.next(), n++) {
                                        final String key = DbModelTest.s(it.key());
                                        assertTrue(prev == null || prev.compareTo(key) < 0, "order");
                                        prev = key;
                                    }
                                }
                            }
                        }
                    } catch (final Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads[t].start();
            }
            for (final Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            for (int id = 0; id < 2; id++) {
                for (int i = 0; i < 1500; i++) {
                    assertArrayEquals(b("v" + i + "x".repeat(100)),
                        db.get(Cf.DEFAULT, b("t" + id + "-" + String.format("%05d", i))));
                }
            }
            assertTrue(db.stats().writeBatches() >= 3000);
        }
    }

    @Test
    void batchForAColumnFamilyThatIsNotOpenIsRejectedBeforeTheWal() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 21))) {
            final WriteBatch batch = new WriteBatch().put(Cf.DEFAULT, b("x"), b("1")).put(Cf.RAFT, b("y"), b("2"));
            assertThrows(IllegalArgumentException.class, () -> db.write(batch, WriteOptions.SYNC));
            db.put(Cf.DEFAULT, b("z"), b("3"), WriteOptions.SYNC);
        }
        try (Db db = Db.open(DbModelTest.smallOptions(fs.crashClone(), 21))) {
            assertNull(db.get(Cf.DEFAULT, b("x")));
            assertEquals("3", DbModelTest.s(db.get(Cf.DEFAULT, b("z"))));
        }
    }

    /** Reads never take the Db's mutex: a get and an iterator complete while another thread holds it. */
    @Test
    void readsDoNotWaitForTheDbMutex() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 22))) {
            db.put(Cf.DEFAULT, b("k"), b("v"), WriteOptions.NO_SYNC);
            db.flush();
            db.put(Cf.DEFAULT, b("m"), b("w"), WriteOptions.NO_SYNC);
            final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            final Thread holder = new Thread(() -> {
                db.mutex.lock();
                try {
                    held.countDown();
                    release.await();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    db.mutex.unlock();
                }
            });
            holder.start();
            held.await();
            try {
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
                    assertEquals("v", DbModelTest.s(db.get(Cf.DEFAULT, b("k"))));
                    assertEquals("w", DbModelTest.s(db.get(Cf.DEFAULT, b("m"))));
                    try (DbIterator it = db.newIterator(ReadOptions.DEFAULT, Cf.DEFAULT)) {
                        it.seekToFirst();
                        assertEquals("k", DbModelTest.s(it.key()));
                    }
                });
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }
}
