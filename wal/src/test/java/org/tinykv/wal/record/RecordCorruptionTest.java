package org.tinykv.wal.record;

import org.junit.jupiter.api.Test;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.mem.MemFileSystem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.tinykv.wal.record.RecordDescriptor.BLOCK_SIZE;
import static org.tinykv.wal.record.RecordDescriptor.HEADER_SIZE;

class RecordCorruptionTest {

    private final MemFileSystem fs = new MemFileSystem();
    private final Path log = Path.of("/db/000007.log");
    private final Path bad = Path.of("/db/bad.log");

    RecordCorruptionTest() throws IOException {
        fs.createDirectories(log.getParent());
    }

    private static List<byte[]> records(final SplittableRandom rnd, final int count, final int maxLength) {
        final List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(LogFiles.randomRecord(rnd, rnd.nextInt(maxLength)));
        }
        return records;
    }

    /** Offsets of each record's first header, computed by reading back with the reader. */
    private List<Long> recordOffsets() throws IOException {
        final List<Long> offsets = new ArrayList<>();
        try (RecordReader reader = new RecordReader(fs.openRandomAccess(log), RecoveryMode.ABSOLUTE_CONSISTENCY)) {
            while (reader.next() != null) {
                offsets.add(reader.lastRecordOffset());
            }
        }
        return offsets;
    }

    private static boolean isSubsequence(final List<byte[]> read, final List<byte[]> written) {
        int j = 0;
        for (final byte[] r : read) {
            while (j < written.size() && !Arrays.equals(written.get(j), r)) {
                j++;
            }
            if (j == written.size()) {
                return false;
            }
            j++;
        }
        return true;
    }

    @Test
    void everySingleBitFlipIsDetectedAndNeverReturnedAsData() throws IOException {
        final List<byte[]> written = LogFiles.writeRecords(fs, log, records(new SplittableRandom(1), 4, 20));
        final byte[] original = LogFiles.readAll(fs, log);
        for (int bit = 0; bit < original.length * 8; bit++) {
            final byte[] damaged = original.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            LogFiles.writeAll(fs, bad, damaged, damaged.length);
            for (final RecoveryMode mode : RecoveryMode.values()) {
                checkFlip(written, bit, mode);
            }
        }
    }

    private void checkFlip(final List<byte[]> written, final int bit, final RecoveryMode mode) throws IOException {
        final List<RecordReader> readers = new ArrayList<>();
        try {
            final List<byte[]> read = LogFiles.readRecords(fs, bad, mode, readers);
            assertTrue(isSubsequence(read, written), "bit " + bit + " " + mode + " returned data not written");
            assertEquals(1, readers.get(0).skippedCorruptions().size(), "bit " + bit + " " + mode);
            final CorruptionException e = readers.get(0).skippedCorruptions().get(0);
            assertEquals(bad.toString(), e.file());
            assertTrue(e.offset() <= bit / 8, "bit " + bit + " reported at " + e.offset());
            assertTrue(read.size() < written.size());
            assertFalse(mode == RecoveryMode.ABSOLUTE_CONSISTENCY, "absolute mode tolerated bit " + bit);
        } catch (CorruptionException e) {
            assertTrue(mode == RecoveryMode.ABSOLUTE_CONSISTENCY || mode == RecoveryMode.TOLERATE_CORRUPTED_TAIL,
                mode + " threw for bit " + bit + ": " + e.getMessage());
            assertEquals(bad.toString(), e.file());
            assertTrue(e.offset() <= bit / 8, "bit " + bit + " reported at " + e.offset());
        }
    }

    @Test
    void corruptionInTheMiddleIsThrownWithFileAndOffset() throws IOException {
        final List<byte[]> written = LogFiles.writeRecords(fs, log, records(new SplittableRandom(2), 50, 3000));
        final List<Long> offsets = recordOffsets();
        final byte[] file = LogFiles.readAll(fs, log);
        final long target = offsets.get(20);
        file[(int) target + HEADER_SIZE + written.get(20).length / 2] ^= 0x10;
        LogFiles.writeAll(fs, bad, file, file.length);
        for (final RecoveryMode mode : List.of(RecoveryMode.TOLERATE_CORRUPTED_TAIL,
            RecoveryMode.ABSOLUTE_CONSISTENCY)) {
            final CorruptionException e = assertThrows(CorruptionException.class,
                () -> LogFiles.readRecords(fs, bad, mode, null));
            assertEquals(bad.toString(), e.file());
            assertTrue(e.offset() >= target && e.offset() < offsets.get(21), e.getMessage());
        }
        final List<RecordReader> readers = new ArrayList<>();
        final List<byte[]> prefix = LogFiles.readRecords(fs, bad, RecoveryMode.POINT_IN_TIME, readers);
        assertEquals(20, prefix.size());
        assertEquals(1, readers.get(0).skippedCorruptions().size());
        readers.clear();
        final List<byte[]> skipping = LogFiles.readRecords(fs, bad, RecoveryMode.SKIP_ANY_CORRUPTED, readers);
        assertEquals(49, skipping.size());
        assertArrayEquals(written.get(21), skipping.get(20));
        assertEquals(1, readers.get(0).skippedCorruptions().size());
    }

    @Test
    void tornTailAtEveryByteOfTheLastRecords() throws IOException {
        final List<byte[]> written = LogFiles.writeRecords(fs, log, List.of(new byte[BLOCK_SIZE - 40],
            new byte[] {1, 2, 3}, LogFiles.randomRecord(new SplittableRandom(3), 90)));
        final byte[] file = LogFiles.readAll(fs, log);
        final List<Long> offsets = recordOffsets();
        final long start = offsets.get(1) - 3;
        for (long cut = start; cut <= file.length; cut++) {
            LogFiles.writeAll(fs, bad, file, (int) cut);
            final int complete = cut >= file.length ? 3 : cut >= offsets.get(2) ? 2 : cut >= offsets.get(1) ? 1 : 0;
            final boolean torn = cut != offsets.get(1) && cut != offsets.get(2) && cut != file.length;
            final List<RecordReader> readers = new ArrayList<>();
            final List<byte[]> read = LogFiles.readRecords(fs, bad, RecoveryMode.TOLERATE_CORRUPTED_TAIL, readers);
            assertEquals(complete, read.size(), "cut at " + cut);
            for (int i = 0; i < complete; i++) {
                assertArrayEquals(written.get(i), read.get(i));
            }
            assertEquals(torn ? 1 : 0, readers.get(0).skippedCorruptions().size(), "cut at " + cut);
            if (torn) {
                assertThrows(CorruptionException.class,
                    () -> LogFiles.readRecords(fs, bad, RecoveryMode.ABSOLUTE_CONSISTENCY, null), "cut " + cut);
            } else {
                assertEquals(complete, LogFiles.readRecords(fs, bad, RecoveryMode.ABSOLUTE_CONSISTENCY, null).size());
            }
        }
    }

    @Test
    void zeroedRegionFollowedByValidRecordsIsCorruption() throws IOException {
        final List<byte[]> written = LogFiles.writeRecords(fs, log, records(new SplittableRandom(4), 40, 4000));
        final List<Long> offsets = recordOffsets();
        final byte[] file = LogFiles.readAll(fs, log);
        final int from = offsets.get(10).intValue();
        Arrays.fill(file, from, offsets.get(12).intValue(), (byte) 0);
        LogFiles.writeAll(fs, bad, file, file.length);
        final CorruptionException e = assertThrows(CorruptionException.class,
            () -> LogFiles.readRecords(fs, bad, RecoveryMode.TOLERATE_CORRUPTED_TAIL, null));
        assertEquals(from, e.offset());
        final List<byte[]> skipping = LogFiles.readRecords(fs, bad, RecoveryMode.SKIP_ANY_CORRUPTED, null);
        assertTrue(isSubsequence(skipping, written));
        assertTrue(skipping.size() >= 10 && skipping.size() < 40, "read " + skipping.size());
    }

    @Test
    void randomDamageOfLargeRecordsNeverReturnsBadData() throws IOException {
        final long seed = LogFiles.seed("wal.corruption.seed");
        final SplittableRandom rnd = new SplittableRandom(seed);
        final List<byte[]> written = LogFiles.writeRecords(fs, log, records(rnd, 30, 3 * BLOCK_SIZE));
        final byte[] original = LogFiles.readAll(fs, log);
        for (int round = 0; round < 40; round++) {
            final byte[] damaged = original.clone();
            final int flips = 1 + rnd.nextInt(3);
            int first = Integer.MAX_VALUE;
            for (int i = 0; i < flips; i++) {
                final int at = rnd.nextInt(damaged.length);
                damaged[at] ^= (byte) (1 << rnd.nextInt(8));
                first = Math.min(first, at);
            }
            LogFiles.writeAll(fs, bad, damaged, damaged.length);
            for (final RecoveryMode mode : RecoveryMode.values()) {
                final List<RecordReader> readers = new ArrayList<>();
                try {
                    final List<byte[]> read = LogFiles.readRecords(fs, bad, mode, readers);
                    if (!isSubsequence(read, written)) {
                        fail("seed=" + seed + " round " + round + " " + mode + " returned damaged data");
                    }
                    if (Arrays.equals(damaged, original) || readers.get(0).skippedCorruptions().isEmpty()) {
                        assertEquals(written.size(), read.size(), "seed=" + seed + " round " + round);
                    }
                } catch (CorruptionException e) {
                    assertTrue(e.offset() <= first + 0L || mode != RecoveryMode.ABSOLUTE_CONSISTENCY,
                        "seed=" + seed + " " + e.getMessage());
                }
            }
        }
    }
}
