package org.tinykv.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.Version;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** The per-thread cached super versions of point reads: caching, scraping, dead threads, concurrent flushes. */
class LocalSuperVersionsTest {

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReadCachesTheSuperVersionAndAnInstallReleasesIt() throws Exception {
        try (Db db = Db.open(DbModelTest.smallOptions(new MemFileSystem(), 31))) {
            db.put(Cf.DEFAULT, b("k"), b("v1"), WriteOptions.NO_SYNC);
            final SuperVersion first = db.currentSuperVersion();
            assertEquals(1, first.refCount(), "only the Db holds it before any read");
            assertEquals("v1", DbModelTest.s(db.get(Cf.DEFAULT, b("k"))));
            assertEquals(2, first.refCount(), "the reading thread's slot caches a reference");
            db.get(Cf.DEFAULT, b("k"));
            assertEquals(2, first.refCount(), "a second read reuses the cached reference");
            db.flush();
            final SuperVersion second = db.currentSuperVersion();
            assertTrue(first != second, "a flush installs a new super version");
            assertEquals(0, first.refCount(), "the install scraped the slot and the Db dropped its own reference");
            assertEquals("v1", DbModelTest.s(db.get(Cf.DEFAULT, b("k"))));
            assertEquals(2, second.refCount());
        }
    }

    @Test
    void slotsOfDeadThreadsAreUnregisteredAndUnpinned() throws Exception {
        try (Db db = Db.open(DbModelTest.smallOptions(new MemFileSystem(), 32))) {
            db.put(Cf.DEFAULT, b("k"), b("v"), WriteOptions.NO_SYNC);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread reader = new Thread(() -> {
                try {
                    assertEquals("v", DbModelTest.s(db.get(Cf.DEFAULT, b("k"))));
                } catch (final Throwable t) {
                    failure.set(t);
                }
            });
            reader.start();
            reader.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            final SuperVersion cached = db.currentSuperVersion();
            assertEquals(2, cached.refCount(), "the dead thread's slot still holds its reference");
            assertEquals(1, db.localSuperVersions.slotCount());
            db.flush();
            assertEquals(0, cached.refCount());
            assertEquals(0, db.localSuperVersions.slotCount(), "the dead thread's slot was unregistered");
        }
    }

    /**
     * Readers get keys that a writer keeps overwriting with increasing counters while small memtables force flushes
     * and compactions (each installing a new super version under the readers): a read never returns a counter older
     * than the one acknowledged before it started, and afterwards no old version stays pinned.
     */
    @Test
    void concurrentReadsSeeAcknowledgedWritesAcrossFlushesAndCompactions() throws Exception {
        final long seed = Long.getLong("lsm.localsv.seed", System.nanoTime());
        System.out.println("LocalSuperVersionsTest seed=" + seed + " (replay with -Dlsm.localsv.seed=" + seed + ")");
        final int keys = 64;
        final AtomicLongArray acked = new AtomicLongArray(keys);
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Db db = Db.open(DbModelTest.smallOptions(new MemFileSystem(), seed))) {
            final String pad = "p".repeat(200);
            final Thread[] readers = new Thread[3];
            for (int r = 0; r < readers.length; r++) {
                final SplittableRandom rnd = new SplittableRandom(seed + r);
                readers[r] = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            final int k = rnd.nextInt(keys);
                            final long lo = acked.get(k);
                            final byte[] v = db.get(Cf.DEFAULT, b("key" + k));
                            final long got = v == null ? 0 : Long.parseLong(DbModelTest.s(v).split("/")[0]);
                            if (got < lo) {
                                throw new AssertionError("key" + k + ": read " + got + " after " + lo + " was acked");
                            }
                        }
                    } catch (final Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                });
                readers[r].start();
            }
            final SplittableRandom rnd = new SplittableRandom(seed);
            final long flushesBefore = db.stats().flushes();
            for (long n = 1; n <= 6000 && failure.get() == null; n++) {
                final int k = rnd.nextInt(keys);
                db.put(Cf.DEFAULT, b("key" + k), b(n + "/" + pad), WriteOptions.NO_SYNC);
                acked.set(k, n);
            }
            done.set(true);
            for (final Thread t : readers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("seed " + seed, failure.get());
            }
            assertTrue(db.stats().flushes() - flushesBefore >= 5, "the test must install many super versions");
            db.compactRange(Cf.DEFAULT, null, null);
            for (int k = 0; k < keys; k++) {
                final byte[] v = db.get(Cf.DEFAULT, b("key" + k));
                final long want = acked.get(k);
                assertEquals(want, v == null ? 0 : Long.parseLong(DbModelTest.s(v).split("/")[0]), "key" + k);
            }
            final Version current = db.versions.current();
            final Set<Long> currentFiles = new HashSet<>();
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                for (final FileMetadata f : current.files(Cf.DEFAULT.id(), level)) {
                    currentFiles.add(f.number());
                }
            }
            assertEquals(currentFiles, db.versions.liveFiles(), "no older version stays pinned by a reader's slot");
            final SuperVersion sv = db.currentSuperVersion();
            assertNotNull(sv);
            assertSame(current, sv.version);
        }
    }
}
