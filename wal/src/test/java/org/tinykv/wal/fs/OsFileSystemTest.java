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
