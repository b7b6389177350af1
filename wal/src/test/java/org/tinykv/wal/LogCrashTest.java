package org.tinykv.wal;

import org.junit.jupiter.api.Test;
import org.tinykv.wal.fs.mem.MemFileSystem;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecoveryMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crashes a log at random points on the crash-simulating file system: after recovery every synced record is
 * present, the records read are exactly a prefix of those appended, and a torn record is never returned.
 */
class LogCrashTest {

    private static long seed() {
        final String value = System.getProperty("wal.crash.seed");
        final long seed = value != null ? Long.parseLong(value) : System.nanoTime();
        System.out.println("wal.crash.seed=" + seed);
        return seed;
    }

    @Test
    void randomCrashesLoseNothingSyncedAndNeverReturnTornRecords() throws IOException {
        final long seed = seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final Path log = Path.of("/crash/000001.log");
        for (int round = 0; round < 60; round++) {
            final MemFileSystem fs = new MemFileSystem();
            fs.createDirectories(log.getParent());
            final long prealloc = rnd.nextBoolean() ? 0 : 1024L * (1 + rnd.nextInt(100));
            final WalOptions options = WalOptions.defaults().withSyncPolicy(SyncPolicy.NEVER)
                .withPreallocateBytes(prealloc).withBufferBytes(1 + rnd.nextInt(100_000));
            final LogWriter writer = new LogWriter(fs.create(log), options);
            fs.syncDir(log.getParent());
            final List<byte[]> appended = new ArrayList<>();
            int synced = 0;
            final int ops = rnd.nextInt(300);
            for (int i = 0; i < ops; i++) {
                final int kind = rnd.nextInt(20);
                final byte[] r = new byte[kind == 0 ? rnd.nextInt(100_000) : rnd.nextInt(300)];
                rnd.nextBytes(r);
                final long end = writer.append(r, 0, r.length);
                appended.add(r);
                if (rnd.nextInt(5) == 0) {
                    writer.syncTo(end);
                    synced = appended.size();
                } else if (rnd.nextInt(10) == 0) {
                    writer.flush();
                }
            }
            final MemFileSystem crashed = fs.crashClone(new SplittableRandom(rnd.nextLong()), rnd.nextBoolean());
            check(crashed, log, appended, synced, "seed=" + seed + " round=" + round);
            writer.close();
        }
    }

    static void check(final MemFileSystem crashed, final Path log, final List<byte[]> appended, final int synced,
                      final String context) throws IOException {
        final List<byte[]> read = new ArrayList<>();
        try (RecordReader reader = new RecordReader(crashed.openRandomAccess(log),
            RecoveryMode.TOLERATE_CORRUPTED_TAIL)) {
            byte[] r;
            while ((r = reader.next()) != null) {
                read.add(r);
            }
        }
        assertTrue(read.size() >= synced, context + ": read " + read.size() + " of " + synced + " synced");
        assertTrue(read.size() <= appended.size(), context);
        for (int i = 0; i < read.size(); i++) {
            assertArrayEquals(appended.get(i), read.get(i), context + " record " + i);
        }
    }

    @Test
    void crashDuringConcurrentGroupCommitKeepsEveryAcknowledgedRecord() throws Exception {
        final long seed = seed();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final Path log = Path.of("/crash/000002.log");
        final MemFileSystem fs = new MemFileSystem();
        fs.createDirectories(log.getParent());
        final LogWriter writer = new LogWriter(fs.create(log), WalOptions.defaults().withPreallocateBytes(8192));
        fs.syncDir(log.getParent());
        final List<byte[]> acknowledged = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int id = t;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; !stop.get() && i < 3000; i++) {
                        final byte[] r = ("thread " + id + " record " + i).getBytes(
                            java.nio.charset.StandardCharsets.UTF_8);
                        writer.append(r, 0, r.length); // EVERY_WRITE: durable on return
                        acknowledged.add(r);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (int crash = 0; crash < 10; crash++) {
            final List<byte[]> before = new ArrayList<>(acknowledged);
            final MemFileSystem crashed = fs.crashClone(new SplittableRandom(rnd.nextLong()), true);
            final List<byte[]> read = new ArrayList<>();
            try (RecordReader reader = new RecordReader(crashed.openRandomAccess(log))) {
                byte[] r;
                while ((r = reader.next()) != null) {
                    read.add(r);
                }
            }
            final java.util.Set<String> present = new java.util.HashSet<>();
            for (final byte[] r : read) {
                present.add(Arrays.toString(r));
            }
            for (final byte[] r : before) {
                if (!present.contains(Arrays.toString(r))) {
                    fail("seed=" + seed + ": acknowledged record lost: " + new String(r,
                        java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        stop.set(true);
        for (final Thread t : threads) {
            t.join(60_000);
        }
        writer.close();
        assertTrue(errors.isEmpty(), errors.toString());
    }
}
