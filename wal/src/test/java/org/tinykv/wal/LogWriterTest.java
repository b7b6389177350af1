package org.tinykv.wal;

import org.junit.jupiter.api.Test;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.fs.fault.FaultInjectingFileSystem;
import org.tinykv.wal.fs.fault.FaultRule;
import org.tinykv.wal.fs.fault.OpKind;
import org.tinykv.wal.fs.mem.MemFileSystem;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecoveryMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogWriterTest {

    private final MemFileSystem fs = new MemFileSystem();
    private final Path log = Path.of("/wal/000001.log");

    LogWriterTest() throws IOException {
        fs.createDirectories(log.getParent());
        fs.syncDir(log.getParent());
    }

    static List<byte[]> read(final MemFileSystem fs, final Path path) throws IOException {
        final List<byte[]> out = new ArrayList<>();
        try (RecordReader reader = new RecordReader(fs.openRandomAccess(path), RecoveryMode.TOLERATE_CORRUPTED_TAIL)) {
            byte[] r;
            while ((r = reader.next()) != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static byte[] record(final int i) {
        return ("record-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void everyWriteIsDurableWhenAppendReturns() throws IOException {
        final WalOptions options = WalOptions.defaults().withPreallocateBytes(0);
        final LogWriter writer = new LogWriter(fs.create(log), options);
        fs.syncDir(log.getParent());
        for (int i = 0; i < 10; i++) {
            final long end = writer.append(record(i), 0, record(i).length);
            assertEquals(end, writer.syncedOffset());
            assertEquals(i + 1, read(fs.crashClone(), log).size());
        }
        assertEquals(10, writer.fsyncCount());
        writer.close();
        assertArrayEquals(record(9), read(fs, log).get(9));
    }

    @Test
    void neverPolicySyncsOnlyWhenAsked() throws IOException {
        final LogWriter writer = new LogWriter(fs.create(log), WalOptions.defaults().withSyncPolicy(SyncPolicy.NEVER));
        fs.syncDir(log.getParent());
        long end = 0;
        for (int i = 0; i < 5; i++) {
            end = writer.append(record(i), 0, record(i).length);
        }
        assertEquals(0, writer.fsyncCount());
        assertEquals(5, read(fs, log).size(), "written through to the file");
        assertEquals(0, read(fs.crashClone(), log).size(), "but not durable");
        writer.syncTo(end);
        assertEquals(5, read(fs.crashClone(), log).size());
        assertEquals(1, writer.fsyncCount());
        assertEquals(5.0, writer.recordsPerFsync());
        writer.appendAndSync(record(5), 0, record(5).length, false);
        writer.close();
        assertEquals(1, writer.fsyncCount(), "close does not sync under NEVER");
        assertEquals(6, read(fs, log).size());
    }

    @Test
    void intervalPolicySyncsOnTheFirstAppendAfterTheInterval() throws IOException {
        final AtomicLong now = new AtomicLong(1_000_000);
        final LogWriter writer = new LogWriter(fs.create(log), WalOptions.defaults().withSyncInterval(10), now::get);
        fs.syncDir(log.getParent());
        writer.append(record(0), 0, 5);
        writer.append(record(1), 0, 5);
        assertEquals(0, writer.fsyncCount());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(9));
        writer.append(record(2), 0, 5);
        assertEquals(0, writer.fsyncCount());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        final long end = writer.append(record(3), 0, 5);
        assertEquals(1, writer.fsyncCount());
        assertEquals(end, writer.syncedOffset());
        writer.append(record(4), 0, 5);
        assertEquals(1, writer.fsyncCount());
        writer.close();
        assertEquals(2, writer.fsyncCount(), "close syncs");
        assertEquals(5, read(fs.crashClone(), log).size());
    }

    @Test
    void smallBufferStillKeepsOrderAndContent() throws IOException {
        final WalOptions options = WalOptions.defaults().withSyncPolicy(SyncPolicy.NEVER).withBufferBytes(1);
        final List<byte[]> written = new ArrayList<>();
        try (LogWriter writer = new LogWriter(fs.create(log), options)) {
            for (int i = 0; i < 2000; i++) {
                final byte[] r = new byte[i * 37 % 5000];
                java.util.Arrays.fill(r, (byte) i);
                written.add(r);
                writer.append(r, 0, r.length);
            }
        }
        final List<byte[]> read = read(fs, log);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i));
        }
    }

    @Test
    void preallocationGrowsTheFileInStepsAndReadsBackCleanly() throws IOException {
        final WalOptions options = WalOptions.defaults().withPreallocateBytes(64 * 1024);
        final byte[] r = new byte[1000];
        try (LogWriter writer = new LogWriter(fs.create(log), options)) {
            fs.syncDir(log.getParent());
            for (int i = 0; i < 100; i++) {
                writer.append(r, 0, r.length);
                assertEquals(0, fs.size(log) % (64 * 1024));
                assertTrue(fs.size(log) > writer.syncedOffset());
            }
        }
        assertEquals(100, read(fs.crashClone(), log).size());
        try (RecordReader reader = new RecordReader(fs.crashClone().openRandomAccess(log),
            RecoveryMode.ABSOLUTE_CONSISTENCY)) {
            int n = 0;
            while (reader.next() != null) {
                n++;
            }
            assertEquals(100, n);
        }
    }

    @Test
    void aFailedSyncFailsTheWriterForGood() throws IOException {
        final FaultInjectingFileSystem faulty = new FaultInjectingFileSystem(fs);
        final FaultRule rule = faulty.addRule(FaultRule.failNth(OpKind.SYNC, FaultRule.nameEndsWith(".log"), 3));
        final LogWriter writer = new LogWriter(faulty.create(log), WalOptions.defaults());
        fs.syncDir(log.getParent());
        writer.append(record(0), 0, 5);
        writer.append(record(1), 0, 5);
        final long synced = writer.syncedOffset();
        assertThrows(IOException.class, () -> writer.append(record(2), 0, 5));
        assertEquals(1, rule.firedCount());
        assertThrows(IOException.class, () -> writer.append(record(3), 0, 5));
        assertThrows(IOException.class, () -> writer.syncTo(synced + 1));
        assertEquals(synced, writer.syncedOffset());
        writer.syncTo(synced); // already durable: nothing to do
        writer.close();
        assertEquals(2, read(fs.crashClone(), log).size());
    }

    @Test
    void aFailedWriteFailsTheWriter() throws IOException {
        final FaultInjectingFileSystem faulty = new FaultInjectingFileSystem(fs);
        faulty.addRule(FaultRule.failNth(OpKind.APPEND, FaultRule.anyPath(), 2));
        final LogWriter writer = new LogWriter(faulty.create(log),
            WalOptions.defaults().withSyncPolicy(SyncPolicy.NEVER));
        writer.append(record(0), 0, 5);
        assertThrows(IOException.class, () -> writer.append(record(1), 0, 5));
        assertThrows(IOException.class, () -> writer.syncTo(writer.appendedOffset()));
        writer.close();
    }

    @Test
    void rejectsBadOptionsAndBadRanges() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> WalOptions.defaults().withSyncInterval(0).validate());
        assertThrows(IllegalArgumentException.class, () -> WalOptions.defaults().withBufferBytes(0).validate());
        assertThrows(IllegalArgumentException.class, () -> WalOptions.defaults().withPreallocateBytes(-1).validate());
        assertThrows(IllegalArgumentException.class,
            () -> new WalOptions(null, 1, 1, 0).validate());
        try (LogWriter writer = new LogWriter(fs.create(log), WalOptions.defaults())) {
            assertThrows(IndexOutOfBoundsException.class, () -> writer.append(new byte[3], 2, 2));
        }
    }

    @Test
    void groupCommitJoinsConcurrentSyncs() throws Exception {
        final int threads = 8;
        final int perThread = 200;
        final CountDownLatch allAppended = new CountDownLatch(threads);
        final GatedFile file = new GatedFile(fs.create(log), allAppended);
        final LogWriter writer = new LogWriter(file, WalOptions.defaults().withSyncPolicy(SyncPolicy.NEVER));
        fs.syncDir(log.getParent());
        final List<Thread> workers = new ArrayList<>();
        final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            workers.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        final byte[] r = ("t" + id + "-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        final long end = writer.append(r, 0, r.length);
                        if (i == 0) {
                            allAppended.countDown();
                        }
                        writer.syncTo(end);
                        if (file.syncedBytes.get() < end) {
                            throw new AssertionError("syncTo(" + end + ") returned with " + file.syncedBytes
                                + " synced");
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (final Thread w : workers) {
            w.join(60_000);
        }
        assertTrue(errors.isEmpty(), errors.toString());
        final long records = (long) threads * perThread;
        assertEquals(records, writer.recordCount());
        assertEquals(records, writer.syncedRecordCount());
        assertTrue(writer.fsyncCount() < records, "fsyncs " + writer.fsyncCount());
        System.out.println("group commit: " + records + " records, " + writer.fsyncCount() + " fsyncs");
        writer.close();
        assertEquals(records, read(fs.crashClone(), log).size());
    }

    /** A file whose first sync waits until every thread appended, and which tracks bytes synced. */
    private static final class GatedFile implements WritableFile {
        final WritableFile file;
        final CountDownLatch gate;
        final AtomicLong syncedBytes = new AtomicLong();
        boolean first = true;

        GatedFile(final WritableFile file, final CountDownLatch gate) {
            this.file = file;
            this.gate = gate;
        }

        @Override
        public void append(final byte[] source, final int offset, final int length) throws IOException {
            file.append(source, offset, length);
        }

        @Override
        public void append(final ByteBuffer source) throws IOException {
            file.append(source);
        }

        @Override
        public void flush() throws IOException {
            file.flush();
        }

        @Override
        public void sync() throws IOException {
            if (first) {
                first = false;
                try {
                    assertTrue(gate.await(60, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            file.sync();
            syncedBytes.set(file.size());
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    @Test
    void defaultOptionsPreallocateFourMebibytes() throws IOException {
        try (LogWriter writer = new LogWriter(fs.create(log), WalOptions.defaults())) {
            assertEquals(10, writer.append(record(1), 0, 3));
        }
        try (RandomAccessFile f = fs.openRandomAccess(log)) {
            assertEquals(WalOptions.DEFAULT_PREALLOCATE_BYTES, f.size());
        }
    }
}
