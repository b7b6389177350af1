package org.tinykv.wal.fs.fault;

import org.junit.jupiter.api.Test;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.fs.mem.MemFileSystem;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecordWriter;
import org.tinykv.wal.record.RecoveryMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingFileSystemTest {

    private final MemFileSystem mem = new MemFileSystem();
    private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
    private final Path dir = Path.of("/db");

    FaultInjectingFileSystemTest() throws IOException {
        fs.createDirectories(dir);
    }

    @Test
    void failsOnlyTheNthMatchingOperation() throws IOException {
        final FaultRule rule = fs.addRule(FaultRule.failNth(OpKind.SYNC, FaultRule.nameEndsWith(".log"), 2));
        try (WritableFile log = fs.create(dir.resolve("1.log")); WritableFile sst = fs.create(dir.resolve("1.sst"))) {
            log.sync();
            sst.sync();
            sst.sync();
            assertThrows(FaultInjectingFileSystem.InjectedFaultException.class, log::sync);
            log.sync();
        }
        assertEquals(1, rule.firedCount());
        assertEquals(1, fs.injectedCount());
    }

    @Test
    void failFromKeepsFailingAndAFailedRenameHasNoEffect() throws IOException {
        fs.create(dir.resolve("a.tmp")).close();
        fs.addRule(FaultRule.failFrom(OpKind.RENAME, FaultRule.nameEndsWith("CURRENT"), 1));
        assertThrows(IOException.class, () -> fs.rename(dir.resolve("a.tmp"), dir.resolve("CURRENT")));
        assertThrows(IOException.class, () -> fs.rename(dir.resolve("a.tmp"), dir.resolve("CURRENT")));
        assertTrue(mem.exists(dir.resolve("a.tmp")));
        assertFalse(mem.exists(dir.resolve("CURRENT")));
        fs.clearRules();
        fs.rename(dir.resolve("a.tmp"), dir.resolve("CURRENT"));
        assertTrue(mem.exists(dir.resolve("CURRENT")));
    }

    @Test
    void everyKindOfOperationCanFail() throws IOException {
        final Path f = dir.resolve("f");
        fs.create(f).close();
        for (final OpKind kind : OpKind.values()) {
            fs.clearRules();
            fs.addRule(FaultRule.failNth(kind, FaultRule.anyPath(), 1));
            assertThrows(IOException.class, () -> {
                switch (kind) {
                    case CREATE -> fs.create(f);
                    case OPEN -> fs.openRandomAccess(f);
                    case APPEND -> fs.openForAppend(f).append(ByteBuffer.allocate(1));
                    case FLUSH -> fs.openForAppend(f).flush();
                    case SYNC -> fs.openForAppend(f).sync();
                    case PREALLOCATE -> fs.openForAppend(f).preallocate(10);
                    case READ -> fs.openRandomAccess(f).read(0, new byte[1], 0, 1);
                    case LIST -> fs.list(dir);
                    case CREATE_DIRECTORIES -> fs.createDirectories(dir.resolve("sub"));
                    case DELETE -> fs.delete(f);
                    case RENAME -> fs.rename(f, dir.resolve("g"));
                    case SYNC_DIR -> fs.syncDir(dir);
                    case LOCK -> fs.lock(dir.resolve("LOCK"));
                    default -> throw new AssertionError(kind);
                }
            }, kind.toString());
        }
    }

    @Test
    void aBitFlippedOnReadIsReportedWithFileAndOffsetNeverReturned() throws IOException {
        final Path log = dir.resolve("000003.log");
        try (RecordWriter w = new RecordWriter(fs.create(log))) {
            for (int i = 0; i < 10; i++) {
                w.addRecord(new byte[100]);
            }
        }
        final long flipped = 5 * 107 + 50; // inside the payload of the sixth record
        fs.addRule(FaultRule.flipBitOnRead(FaultRule.nameEndsWith(".log"), flipped, 3));
        try (RandomAccessFile raw = fs.openRandomAccess(log)) {
            final ByteBuffer b = ByteBuffer.allocate(1);
            raw.read(flipped, b);
            assertEquals(8, b.get(0));
        }
        final CorruptionException e = assertThrows(CorruptionException.class, () -> {
            try (RecordReader r = new RecordReader(fs.openRandomAccess(log))) {
                for (int i = 0; i < 10; i++) {
                    assertArrayEquals(new byte[100], r.next());
                }
            }
        });
        assertEquals(5 * 107, e.offset());
        assertEquals(log.toString(), e.file());
        try (RecordReader r = new RecordReader(fs.openRandomAccess(log), RecoveryMode.SKIP_ANY_CORRUPTED)) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            assertEquals(9, n);
            assertEquals(5 * 107, r.skippedCorruptions().get(0).offset());
        }
    }
}
