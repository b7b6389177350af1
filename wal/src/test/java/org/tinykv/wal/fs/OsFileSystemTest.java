package org.tinykv.wal.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.wal.LogWriter;
import org.tinykv.wal.WalOptions;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecoveryMode;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OsFileSystemTest {

    @TempDir
    Path dir;

    private final FileSystem fs = new OsFileSystem();

    /** A mapped immutable file reads like a channel: exact bytes, short reads at the end, nothing past it. */
    @Test
    void immutableFilesReadThroughTheMappingAndRefuseReadsAfterClose() throws IOException {
        final Path t = dir.resolve("000007.sst");
        final byte[] content = new byte[70_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        try (WritableFile w = fs.create(t)) {
            w.append(content, 0, content.length);
            w.sync();
        }
        final RandomAccessFile r = fs.openImmutable(t);
        assertEquals(content.length, r.size());
        final byte[] b = new byte[5000];
        assertEquals(5000, r.read(4096, b, 0, 5000));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 4096, 9096), b);
        assertEquals(100, r.read(content.length - 100, b, 10, 4000));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, content.length - 100, content.length),
            java.util.Arrays.copyOfRange(b, 10, 110));
        assertEquals(0, r.read(content.length, b, 0, 1));
        final ByteBuffer bb = ByteBuffer.allocate(300);
        bb.position(20);
        assertEquals(280, r.read(1000, bb));
        assertEquals(300, bb.position());
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 1000, 1280),
            java.util.Arrays.copyOfRange(bb.array(), 20, 300));
        assertThrows(IndexOutOfBoundsException.class, () -> r.read(0, b, 4990, 20));
        r.close();
        r.close();
        assertThrows(IOException.class, () -> r.read(0, b, 0, 1));
        fs.delete(t);
        assertFalse(fs.exists(t));
    }

    /**
     * A mapped log: records appended across region boundaries read back while it is still open (its zero tail ends
     * the log, even in absolute-consistency mode), a preallocated extent and syncs work, and close truncates the file
     * to what was appended.
     */
    @Test
    void mappedLogReadsBackAcrossRegionsAndCloseTruncatesTheZeroTail() throws IOException {
        final Path log = dir.resolve("000002.log");
        final WritableFile file = fs.createLog(log);
        final org.tinykv.wal.record.RecordWriter w = new org.tinykv.wal.record.RecordWriter(file);
        final int records = 2_000;
        final int recordBytes = 3_000;
        for (int i = 0; i < records; i++) {
            final byte[] r = new byte[recordBytes];
            java.util.Arrays.fill(r, (byte) (i * 7 + 1));
            w.addRecord(r);
            if (i == 100) {
                file.preallocate(file.size() + (1 << 20));
                w.sync();
            }
        }
        w.flush();
        final long written = file.size();
        assertTrue(written > MappedLogFile.REGION_BYTES, "the log crossed a region boundary: " + written);
        assertTrue(fs.size(log) > written, "the file holds a zero tail while open");
        assertEquals(records, readAll(log));
        w.sync();
        w.close();
        assertEquals(written, fs.size(log));
        assertEquals(records, readAll(log));
        assertThrows(IOException.class, () -> file.append(new byte[1], 0, 1));
    }

    /**
     * A log switches between mapped and written appends (a sync switches to written, a megabyte without a sync back
     * to mapped); whichever way, arrays and buffers land at the right offsets, readable at once, and close leaves
     * exactly the appended bytes.
     */
    @Test
    void logAppendsLandInOrderAcrossMappedAndWrittenModes() throws IOException {
        final Path log = dir.resolve("000003.log");
        final java.util.Random rnd = new java.util.Random(42);
        final java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        try (WritableFile file = fs.createLog(log)) {
            for (int i = 0; i < 400; i++) {
                final byte[] chunk = new byte[1 + rnd.nextInt(40_000)];
                rnd.nextBytes(chunk);
                if (i % 3 == 0) {
                    file.append(ByteBuffer.wrap(chunk));
                } else {
                    file.append(chunk, 0, chunk.length);
                }
                expected.write(chunk, 0, chunk.length);
                if (i % 50 < 5) {
                    file.sync();
                } else {
                    file.flush();
                }
                if (i % 97 == 0) {
                    final byte[] all = expected.toByteArray();
                    final byte[] tail = new byte[chunk.length];
                    try (RandomAccessFile r = fs.openRandomAccess(log)) {
                        assertEquals(chunk.length, r.read(all.length - chunk.length, tail, 0, tail.length));
                    }
                    assertArrayEquals(chunk, tail, "appended bytes are readable after a flush, chunk " + i);
                }
            }
            assertEquals(expected.size(), file.size());
        }
        final byte[] all = expected.toByteArray();
        assertEquals(all.length, fs.size(log));
        final byte[] read = new byte[all.length];
        try (RandomAccessFile r = fs.openRandomAccess(log)) {
            assertEquals(all.length, r.read(0, read, 0, read.length));
        }
        assertArrayEquals(all, read);
    }

    private int readAll(final Path log) throws IOException {
        int n = 0;
        try (RecordReader r = new RecordReader(fs.openRandomAccess(log), RecoveryMode.ABSOLUTE_CONSISTENCY)) {
            for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                assertEquals(3_000, rec.length);
                assertEquals((byte) (n * 7 + 1), rec[2_999]);
                n++;
            }
        }
        return n;
    }

    @Test
    void appendSyncReadRenameDelete() throws IOException {
        final Path a = dir.resolve("a");
        try (WritableFile w = fs.create(a)) {
            w.append(new byte[] {1, 2, 3}, 0, 3);
            w.append(ByteBuffer.wrap(new byte[100_000]));
            w.sync();
            assertEquals(100_003, w.size());
        }
        fs.syncDir(dir);
        try (WritableFile w = fs.openForAppend(a)) {
            assertEquals(100_003, w.size());
            w.append(new byte[] {4}, 0, 1);
        }
        try (RandomAccessFile r = fs.openRandomAccess(a)) {
            final byte[] b = new byte[4];
            assertEquals(3, r.read(0, b, 0, 3));
            assertEquals(1, r.read(100_003, b, 3, 1));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, b);
            assertEquals(0, r.read(200_000, b, 0, 1));
            assertEquals(a.toString(), r.name());
        }
        fs.rename(a, dir.resolve("b"));
        assertEquals(List.of("b"), fs.list(dir));
        fs.delete(dir.resolve("b"));
        fs.delete(dir.resolve("b"));
        assertFalse(fs.exists(dir.resolve("b")));
        fs.createDirectories(dir.resolve("x/y"));
        assertTrue(fs.exists(dir.resolve("x/y")));
    }

    @Test
    void lockIsExclusiveWithinTheProcess() throws IOException {
        final Closeable lock = fs.lock(dir.resolve("LOCK"));
        assertThrows(IOException.class, () -> fs.lock(dir.resolve("LOCK")));
        lock.close();
        fs.lock(dir.resolve("LOCK")).close();
    }

    @Test
    void preallocatedLogOnDiskReadsBackAndEndsAtTheZeros() throws IOException {
        final Path log = dir.resolve("000001.log");
        try (LogWriter w = new LogWriter(fs.create(log), WalOptions.defaults().withPreallocateBytes(1 << 16))) {
            for (int i = 0; i < 500; i++) {
                final byte[] r = new byte[130];
                r[0] = (byte) i;
                w.append(r, 0, r.length);
            }
        }
        assertEquals(0, fs.size(log) % (1 << 16));
        try (RecordReader reader = new RecordReader(fs.openRandomAccess(log), RecoveryMode.ABSOLUTE_CONSISTENCY)) {
            for (int i = 0; i < 500; i++) {
                assertEquals((byte) i, reader.next()[0]);
            }
            assertNull(reader.next());
        }
    }
}
