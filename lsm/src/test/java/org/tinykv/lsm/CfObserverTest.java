package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.sstable.SstFileWriter;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** A column family's observer is told its contents: when registered, on every write, and on ingestion. */
class CfObserverTest {
    private static final long SEED = Long.getLong("lsm.observer.seed", System.nanoTime());

    /** Keeps what it is told as a map, the way an index would. */
    private static final class Model implements CfObserver {
        final TreeMap<String, String> contents = new TreeMap<>();
        int calls;

        @Override
        public void put(final byte[] key, final byte[] value) {
            calls++;
            contents.put(DbModelTest.s(key), DbModelTest.s(value));
        }

        @Override
        public void delete(final byte[] key) {
            calls++;
            contents.remove(DbModelTest.s(key));
        }

        @Override
        public void deleteRange(final byte[] begin, final byte[] endExclusive) {
            calls++;
            contents.subMap(DbModelTest.s(begin), DbModelTest.s(endExclusive)).clear();
        }
    }

    private static Db open(final MemFileSystem fs, final Model model) throws java.io.IOException {
        final Db db = Db.open(DbOptions.builder(fs, Path.of("/db")).memtableBytes(64 << 10)
            .targetFileBytes(64 << 10).l0Triggers(2, 8, 12).blockSize(512).build());
        db.observe(Cf.LOCK, model);
        return db;
    }

    private static TreeMap<String, String> contents(final Db db, final Cf cf) {
        final TreeMap<String, String> out = new TreeMap<>();
        try (DbIterator it = db.newIterator(ReadOptions.DEFAULT, cf)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                out.put(DbModelTest.s(it.key()), DbModelTest.s(it.value()));
            }
        }
        return out;
    }

    @Test
    void theObserverIsToldTheContentsWhenRegisteredThenEveryWrite() throws Exception {
        System.out.println("CfObserverTest seed=" + SEED + " (replay: -Dlsm.observer.seed=" + SEED + ")");
        final SplittableRandom rnd = new SplittableRandom(SEED);
        final MemFileSystem fs = new MemFileSystem();
        final Model model = new Model();
        try (Db db = open(fs, model)) {
            for (int round = 0; round < 300; round++) {
                final WriteBatch wb = new WriteBatch();
                for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                    final String key = String.format("k%03d", rnd.nextInt(400));
                    final int op = rnd.nextInt(20);
                    final Cf cf = rnd.nextInt(4) == 0 ? Cf.WRITE : Cf.LOCK;
                    if (op == 0) {
                        wb.deleteRange(cf, DbModelTest.b(key), DbModelTest.b(String.format("k%03d", rnd.nextInt(400))));
                    } else if (op < 8) {
                        wb.delete(cf, DbModelTest.b(key));
                    } else {
                        wb.put(cf, DbModelTest.b(key), DbModelTest.b("v" + round + "-" + "x".repeat(rnd.nextInt(200))));
                    }
                }
                db.write(wb, WriteOptions.NO_SYNC);
                if (round % 50 == 49) {
                    db.flush();
                }
                assertEquals(contents(db, Cf.LOCK), model.contents, "round " + round + ", seed " + SEED);
            }
        }
        final Model reopened = new Model();
        try (Db db = open(fs.crashClone(), reopened)) {
            assertEquals(contents(db, Cf.LOCK), reopened.contents, "seed " + SEED);
            assertEquals(reopened.contents.size(), reopened.calls, "when registered: one put per live key");
        }
    }

    @Test
    void anIngestedTableIsReportedBeforeItIsVisible() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final Model model = new Model();
        try (Db db = open(fs, model)) {
            db.put(Cf.LOCK, DbModelTest.b("a"), DbModelTest.b("old"), WriteOptions.SYNC);
            final Path sst = Path.of("/snap/lock.sst");
            fs.createDirectories(sst.getParent());
            try (SstFileWriter w = SstFileWriter.open(fs, sst)) {
                w.put(DbModelTest.b("b"), DbModelTest.b("ingested"));
                w.put(DbModelTest.b("c"), DbModelTest.b("too"));
                w.finish();
            }
            db.ingestExternalFiles(Cf.LOCK, List.of(sst));
            assertEquals(contents(db, Cf.LOCK), model.contents);
            assertEquals("ingested", model.contents.get("b"));
        }
    }

    @Test
    void aFamilyHasOneObserverAndMustBeOpen() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = open(fs, new Model())) {
            assertThrows(IllegalStateException.class, () -> db.observe(Cf.LOCK, new Model()));
            assertThrows(IllegalArgumentException.class, () -> db.observe(Cf.RAFT, new Model()));
            db.put(Cf.LOCK, DbModelTest.b("a"), DbModelTest.b("still writable"), WriteOptions.SYNC);
        }
    }
}
