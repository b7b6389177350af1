package org.tinykv.wal.fs.mem;

import org.junit.jupiter.api.Test;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemFileSystemTest {

    private final MemFileSystem fs = new MemFileSystem();
    private final Path dir = Path.of("/data/db");

    MemFileSystemTest() throws IOException {
        fs.createDirectories(dir);
    }

    private static byte[] contents(final MemFileSystem fs, final Path p) throws IOException {
        try (RandomAccessFile f = fs.openRandomAccess(p)) {
            final byte[] b = new byte[(int) f.size()];
            assertEquals(b.length, f.read(0, b, 0, b.length));
            return b;
        }
    }

    @Test
    void crashKeepsOnlySyncedBytesAndSyncedEntries() throws IOException {
        final Path a = dir.resolve("a");
        final WritableFile w = fs.create(a);
        w.append(new byte[] {1, 2, 3}, 0, 3);
        assertFalse(fs.crashClone().exists(a), "entry not synced");
        fs.syncDir(dir);
        assertEquals(0, fs.crashClone().size(a), "bytes not synced");
        w.sync();
        w.append(ByteBuffer.wrap(new byte[] {4, 5}));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, contents(fs, a), "reads see unsynced bytes");
        final MemFileSystem crashed = fs.crashClone();
        assertArrayEquals(new byte[] {1, 2, 3}, contents(crashed, a));
        w.append(new byte[] {6}, 0, 1);
        assertArrayEquals(new byte[] {1, 2, 3}, contents(crashed, a), "a clone is independent");
        w.close();
        assertThrows(IOException.class, () -> w.append(new byte[1], 0, 1));
    }

    @Test
    void tornCrashKeepsARandomPrefixOfTheUnsyncedTail() throws IOException {
        final Path a = dir.resolve("a");
        try (WritableFile w = fs.create(a)) {
            fs.syncDir(dir);
            w.append(new byte[] {1, 2}, 0, 2);
            w.sync();
            w.append(new byte[] {3, 4, 5, 6, 7, 8}, 0, 6);
        }
        final SplittableRandom rnd = new SplittableRandom(11);
        final boolean[] seen = new boolean[9];
        for (int i = 0; i < 200; i++) {
            final byte[] c = contents(fs.crashClone(rnd, true), a);
            assertTrue(c.length >= 2 && c.length <= 8);
            for (int j = 0; j < c.length; j++) {
                assertEquals(j + 1, c[j]);
            }
            seen[c.length] = true;
        }
        for (int n = 2; n <= 8; n++) {
            assertTrue(seen[n], "prefix length " + n + " never produced");
        }
    }

    @Test
    void renameAndDeleteAreDurableOnlyAfterSyncDir() throws IOException {
        final Path tmp = dir.resolve("CURRENT.tmp");
        final Path current = dir.resolve("CURRENT");
        try (WritableFile w = fs.create(tmp)) {
            w.append(new byte[] {7}, 0, 1);
            w.sync();
        }
        fs.syncDir(dir);
        fs.rename(tmp, current);
        assertTrue(fs.exists(current));
        assertFalse(fs.exists(tmp));
        MemFileSystem crashed = fs.crashClone();
        assertTrue(crashed.exists(tmp));
        assertFalse(crashed.exists(current));
        fs.syncDir(dir);
        crashed = fs.crashClone();
        assertArrayEquals(new byte[] {7}, contents(crashed, current));
        fs.delete(current);
        assertTrue(fs.crashClone().exists(current));
        fs.syncDir(dir);
        assertFalse(fs.crashClone().exists(current));
        assertEquals(List.of(), fs.list(dir));
    }

    @Test
    void unsyncedEntriesMayOrMayNotSurvive() throws IOException {
        fs.create(dir.resolve("x")).close();
        boolean kept = false;
        boolean lost = false;
        final SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 50; i++) {
            final boolean exists = fs.crashClone(rnd, false, true).exists(dir.resolve("x"));
            kept |= exists;
            lost |= !exists;
        }
        assertTrue(kept && lost);
    }

    @Test
    void preallocatedZerosAreDurableAndAppendsOverwriteThem() throws IOException {
        final Path a = dir.resolve("p");
        final WritableFile w = fs.create(a);
        fs.syncDir(dir);
        w.preallocate(16);
        w.append(new byte[] {9, 9}, 0, 2);
        assertEquals(2, w.size());
        assertEquals(16, fs.size(a));
        assertArrayEquals(new byte[16], contents(fs.crashClone(), a));
        w.sync();
        final byte[] expected = new byte[16];
        expected[0] = 9;
        expected[1] = 9;
        assertArrayEquals(expected, contents(fs.crashClone(), a));
        assertEquals(16, fs.openForAppend(a).size(), "append reopens at the physical end");
    }

    @Test
    void createTruncatesAndErrorsAreClear() throws IOException {
        final Path a = dir.resolve("t");
        try (WritableFile w = fs.create(a)) {
            w.append(new byte[] {1, 2, 3}, 0, 3);
        }
        fs.create(a).close();
        assertEquals(0, fs.size(a));
        assertThrows(FileNotFoundException.class, () -> fs.openRandomAccess(dir.resolve("missing")));
        assertThrows(FileNotFoundException.class, () -> fs.create(Path.of("/nope/f")));
        assertThrows(IOException.class, () -> fs.create(dir));
        assertThrows(IOException.class, () -> fs.createDirectories(a.resolve("sub")));
        assertThrows(IOException.class, () -> fs.delete(dir.getParent()));
        fs.delete(dir.resolve("missing"));
        assertEquals(List.of("db"), fs.list(dir.getParent()));
        assertEquals(List.of("t"), fs.list(Path.of("/data/./db/../db")));
    }

    @Test
    void lockIsExclusiveUntilReleased() throws IOException {
        final Path lock = dir.resolve("LOCK");
        final Closeable held = fs.lock(lock);
        assertThrows(IOException.class, () -> fs.lock(lock));
        held.close();
        fs.lock(lock).close();
        assertTrue(fs.exists(lock));
    }
}
