package org.tinykv.wal.record;

import org.junit.jupiter.api.Test;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.fs.mem.MemFileSystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.wal.record.RecordDescriptor.BLOCK_SIZE;
import static org.tinykv.wal.record.RecordDescriptor.HEADER_SIZE;

class RecordRoundTripTest {

    private final MemFileSystem fs = new MemFileSystem();
    private final Path log = Path.of("/db/000001.log");

    RecordRoundTripTest() throws IOException {
        fs.createDirectories(log.getParent());
    }

    @Test
    void workedExampleOfTheFormatDocument() throws IOException {
        final byte[] b = new byte[40000];
        Arrays.fill(b, (byte) 0x61);
        LogFiles.writeRecords(fs, log, List.of("hello".getBytes(StandardCharsets.US_ASCII), b));
        final byte[] file = LogFiles.readAll(fs, log);
        assertEquals(40026, file.length);
        final byte[] firstHeaderTail = {5, 0, 1, 'h', 'e', 'l', 'l', 'o'};
        assertEquals(Crc32c.mask(Crc32c.compute(firstHeaderTail, 0, firstHeaderTail.length)), Fixed.getInt(file, 0));
        assertEquals(5, Fixed.getShort(file, 4));
        assertEquals(RecordType.FULL.code(), file[6]);
        assertEquals(32749, Fixed.getShort(file, 12 + 4));
        assertEquals(RecordType.FIRST.code(), file[12 + 6]);
        assertEquals(7251, Fixed.getShort(file, BLOCK_SIZE + 4));
        assertEquals(RecordType.LAST.code(), file[BLOCK_SIZE + 6]);
        final List<RecordReader> readers = new ArrayList<>();
        final List<byte[]> read = LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, readers);
        assertEquals(2, read.size());
        assertArrayEquals(b, read.get(1));
        assertEquals(12, readers.get(0).lastRecordOffset());
        assertEquals(40026, readers.get(0).endOffset());
    }

    @Test
    void emptyFileAndEmptyRecords() throws IOException {
        LogFiles.writeRecords(fs, log, List.of());
        assertTrue(LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, null).isEmpty());
        LogFiles.writeRecords(fs, log, List.of(new byte[0], new byte[0]));
        assertEquals(2 * HEADER_SIZE, fs.size(log));
        final List<byte[]> read = LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, null);
        assertEquals(2, read.size());
        assertEquals(0, read.get(0).length);
    }

    @Test
    void trailerWhenFewerThanAHeaderIsLeftInABlock() throws IOException {
        final int first = BLOCK_SIZE - HEADER_SIZE - 6; // leaves 6 bytes after the first record
        LogFiles.writeRecords(fs, log, List.of(new byte[first], new byte[] {1, 2, 3}));
        final byte[] file = LogFiles.readAll(fs, log);
        assertEquals(BLOCK_SIZE + HEADER_SIZE + 3, file.length);
        for (int i = BLOCK_SIZE - 6; i < BLOCK_SIZE; i++) {
            assertEquals(0, file[i]);
        }
        final List<byte[]> read = LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, null);
        assertArrayEquals(new byte[] {1, 2, 3}, read.get(1));
    }

    @Test
    void exactlyAHeaderLeftStartsAnEmptyFirstFragment() throws IOException {
        final int first = BLOCK_SIZE - HEADER_SIZE - HEADER_SIZE;
        LogFiles.writeRecords(fs, log, List.of(new byte[first], new byte[] {9}));
        final byte[] file = LogFiles.readAll(fs, log);
        assertEquals(RecordType.FIRST.code(), file[BLOCK_SIZE - HEADER_SIZE + 6]);
        assertEquals(0, Fixed.getShort(file, BLOCK_SIZE - HEADER_SIZE + 4));
        final List<byte[]> read = LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, null);
        assertArrayEquals(new byte[] {9}, read.get(1));
    }

    @Test
    void randomRecordsRoundTripAcrossBlocks() throws IOException {
        final long seed = LogFiles.seed("wal.record.seed");
        final SplittableRandom rnd = new SplittableRandom(seed);
        final List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            final int kind = rnd.nextInt(10);
            final int length = kind < 6 ? rnd.nextInt(200) : kind < 9 ? rnd.nextInt(BLOCK_SIZE * 2)
                : BLOCK_SIZE - HEADER_SIZE + rnd.nextInt(-2, 3);
            records.add(LogFiles.randomRecord(rnd, length));
        }
        LogFiles.writeRecords(fs, log, records);
        for (final RecoveryMode mode : RecoveryMode.values()) {
            final List<RecordReader> readers = new ArrayList<>();
            final List<byte[]> read = LogFiles.readRecords(fs, log, mode, readers);
            assertEquals(records.size(), read.size(), "seed=" + seed);
            for (int i = 0; i < records.size(); i++) {
                assertArrayEquals(records.get(i), read.get(i), "record " + i + " seed=" + seed);
            }
            assertTrue(readers.get(0).skippedCorruptions().isEmpty());
        }
    }

    @Test
    void appendingToAClosedLogContinuesItsBlocks() throws IOException {
        final List<byte[]> records = new ArrayList<>();
        final SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 5; round++) {
            final WritableFile file = round == 0 ? fs.create(log) : fs.openForAppend(log);
            try (RecordWriter writer = new RecordWriter(file)) {
                for (int i = 0; i < 10; i++) {
                    final byte[] r = LogFiles.randomRecord(rnd, rnd.nextInt(9000));
                    records.add(r);
                    writer.addRecord(r);
                }
                writer.flush();
                assertEquals(fs.size(log), writer.offset());
            }
        }
        final List<byte[]> read = LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, null);
        assertEquals(records.size(), read.size());
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(records.get(i), read.get(i));
        }
    }

    @Test
    void preallocatedZeroTailEndsTheLogCleanly() throws IOException {
        final List<byte[]> records = List.of(new byte[100], new byte[50000], new byte[3]);
        try (WritableFile file = fs.create(log); RecordWriter writer = new RecordWriter(file)) {
            file.preallocate(4 * BLOCK_SIZE + 123);
            for (final byte[] r : records) {
                writer.addRecord(r);
            }
            writer.sync();
        }
        assertEquals(4 * BLOCK_SIZE + 123, fs.size(log));
        final List<RecordReader> readers = new ArrayList<>();
        assertEquals(3, LogFiles.readRecords(fs, log, RecoveryMode.ABSOLUTE_CONSISTENCY, readers).size());
        assertTrue(readers.get(0).skippedCorruptions().isEmpty());
        try (RecordReader reader = new RecordReader(fs.openRandomAccess(log))) {
            for (int i = 0; i < 3; i++) {
                reader.next();
            }
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }
}
