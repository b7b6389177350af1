package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.wal.SyncPolicy;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * Regression tests of the second stage: directory syncs before manifest edits, removal of resurrected obsolete
 * files at open, options isolated from their builder, and the INTERVAL sync policy.
 */
class DbDurabilityTest {

    private static final Path DIR = Path.of("/db");

    private static byte[] b(final String s) {
        return DbModelTest.b(s);
    }

    private static int tableFilesOnDisk(final MemFileSystem fs) throws Exception {
        int n = 0;
        for (final String name : fs.list(DIR)) {
            n += FileNames.parse(name).kind() == FileNames.Kind.TABLE ? 1 : 0;
        }
        return n;
    }

    private static int liveTableFiles(final Db db) {
        int n = 0;
        for (final List<DbStats.LevelStats> levels : db.stats().levels().values()) {
            for (final DbStats.LevelStats l : levels) {
                n += l.files();
            }
        }
        return n;
    }

    /** Flush and compaction outputs must be reachable after a power loss that keeps only synced dir entries. */
    @Test
    void flushedAndCompactedTablesSurvivePowerLoss() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 11))) {
            for (int i = 0; i < 2000; i++) {
                db.put(Cf.DEFAULT, b(String.format("k%05d", i)), b("v" + i), WriteOptions.NO_SYNC);
            }
            db.flush();
            db.compactRange(Cf.DEFAULT, null, null);
            final MemFileSystem image = fs.crashClone();
            try (Db again = Db.open(DbModelTest.smallOptions(image, 11))) {
                for (int i = 0; i < 2000; i += 37) {
                    assertEquals("v" + i, DbModelTest.s(again.get(Cf.DEFAULT, b(String.format("k%05d", i)))));
                }
            }
        }
    }

    /** Compaction inputs deleted without a directory sync come back after a crash; open must delete them. */
    @Test
    void openDeletesResurrectedObsoleteTables() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        MemFileSystem image;
        try (Db db = Db.open(DbModelTest.smallOptions(fs, 12))) {
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 300; i++) {
                    db.put(Cf.DEFAULT, b(String.format("k%05d", i)), b("v" + round), WriteOptions.NO_SYNC);
                }
                db.flush();
            }
            db.compactRange(Cf.DEFAULT, null, null);
            image = fs.crashClone();
        }
        final int resurrected = tableFilesOnDisk(image);
        try (Db db = Db.open(DbModelTest.smallOptions(image, 12))) {
            final int live = liveTableFiles(db);
            assertTrue(resurrected > live, "the crash must resurrect deleted tables: " + resurrected + " vs " + live);
            assertEquals(live, tableFilesOnDisk(image), "tables on disk (" + resurrected + " before open) vs live");
            assertEquals("v3", DbModelTest.s(db.get(Cf.DEFAULT, b("k00007"))));
        }
    }

    @Test
    void builtOptionsDoNotChangeWithTheBuilder() {
        final DbOptions.Builder builder = DbOptions.builder(new MemFileSystem(), DIR).memtableBytes(1 << 20)
            .columnFamilies(EnumSet.of(Cf.DEFAULT));
        final DbOptions options = builder.build();
        builder.memtableBytes(2 << 20).columnFamilies(EnumSet.of(Cf.RAFT)).syncPolicy(SyncPolicy.NEVER)
            .compression(Cf.DEFAULT, org.tinykv.lsm.sstable.Compression.NONE);
        assertEquals(1 << 20, options.memtableBytes());
        assertEquals(EnumSet.of(Cf.DEFAULT), options.columnFamilies());
        assertEquals(SyncPolicy.EVERY_WRITE, options.syncPolicy());
        assertEquals(org.tinykv.lsm.sstable.Compression.LZ4, options.tableOptions(Cf.DEFAULT, 0).compression());
    }

    /** INTERVAL: synced writes do not fsync inline; the first write after the period fsyncs everything before. */
    @Test
    void intervalPolicySyncsOncePerPeriod() throws Exception {
        final MemFileSystem fs = new MemFileSystem();
        final AtomicLong nanos = new AtomicLong();
        final DbOptions options = DbOptions.builder(fs, DIR).memtableBytes(1 << 20).syncInterval(60_000)
            .nanoClock(nanos::get).build();
        try (Db db = Db.open(options)) {
            final long before = db.stats().fsyncs();
            db.put(Cf.DEFAULT, b("a"), b("1"), WriteOptions.SYNC);
            db.put(Cf.DEFAULT, b("b"), b("2"), WriteOptions.NO_SYNC);
            assertEquals(before, db.stats().fsyncs(), "no fsync within the period");
            try (Db lost = reopen(fs.crashClone(), nanos)) {
                assertNull(lost.get(Cf.DEFAULT, b("a")), "nothing was synced yet");
            }
            nanos.addAndGet(61_000_000_000L);
            db.put(Cf.DEFAULT, b("c"), b("3"), WriteOptions.NO_SYNC);
            assertEquals(before + 1, db.stats().fsyncs(), "one fsync once the period passed");
            final Db recovered = reopen(fs.crashClone(), nanos);
            try (recovered) {
                assertEquals("1", DbModelTest.s(recovered.get(Cf.DEFAULT, b("a"))));
                assertEquals("2", DbModelTest.s(recovered.get(Cf.DEFAULT, b("b"))));
                assertEquals("3", DbModelTest.s(recovered.get(Cf.DEFAULT, b("c"))));
            }
        }
    }

    private static Db reopen(final MemFileSystem image, final AtomicLong nanos) throws Exception {
        return Db.open(DbOptions.builder(image, DIR).memtableBytes(1 << 20).syncInterval(60_000)
            .nanoClock(nanos::get).build());
    }

    @Test
    void intervalOptionIsValidated() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> DbOptions.builder(new MemFileSystem(), DIR).syncInterval(0).build());
    }
}
