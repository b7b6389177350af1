package org.tinykv.tools.sst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbOptions;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.lsm.sstable.Compression;
import org.tinykv.lsm.sstable.Footer;
import org.tinykv.lsm.sstable.SstFileWriter;
import org.tinykv.lsm.sstable.TableOptions;
import org.tinykv.tools.format.Bytes;
import org.tinykv.tools.format.CommandRun;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * Runs {@code sst-dump} in-process on real tables (written by {@link SstFileWriter} and by a real {@link Db} flush)
 * and on damaged copies. Keys and values are random; the seed is printed and replays with
 * {@code -Dsstdump.seed=N}.
 */
final class SstDumpTest {

    private static final long SEED = Long.getLong("sstdump.seed", System.nanoTime());

    static {
        System.out.println("SstDumpTest seed=" + SEED + " (replay with -Dsstdump.seed=" + SEED + ")");
    }

    @TempDir
    Path tmp;

    private final OsFileSystem fs = new OsFileSystem();

    /** Random keys (some binary) with random values, in user-key order. */
    private static TreeMap<String, byte[]> randomEntries(final Random rnd, final int n) {
        final TreeMap<String, byte[]> m = new TreeMap<>();
        while (m.size() < n) {
            final byte[] v = new byte[rnd.nextInt(40)];
            rnd.nextBytes(v);
            m.put(String.format("key-%06d", rnd.nextInt(1_000_000)), v);
        }
        return m;
    }

    private Path writeTable(final TreeMap<String, byte[]> entries, final Compression c) throws IOException {
        final Path p = tmp.resolve("000007.sst");
        try (SstFileWriter w = SstFileWriter.open(fs, p, new TableOptions(256, 4, 10, c))) {
            for (final var e : entries.entrySet()) {
                w.put(e.getKey().getBytes(StandardCharsets.US_ASCII), e.getValue());
            }
            w.delete(new byte[] {'z', 0, (byte) 0xfe});
            w.deleteRange("a".getBytes(StandardCharsets.US_ASCII), "b".getBytes(StandardCharsets.US_ASCII));
            w.finish();
        }
        return p;
    }

    @Test
    void dumpsEveryEntryOfAnExternalTableAndVerifies() throws IOException {
        final TreeMap<String, byte[]> entries = randomEntries(new Random(SEED), 300);
        final Path p = writeTable(entries, Compression.LZ4);
        final CommandRun r = CommandRun.of(new SstDump(), "--verify", "--values", p.toString());
        assertEquals(0, r.exitCode(), "seed " + SEED + "\n" + r.all());
        for (final var e : entries.entrySet()) {
            final byte[] k = e.getKey().getBytes(StandardCharsets.US_ASCII);
            assertTrue(r.out().contains("  " + Bytes.both(k) + " seq=0 PUT value " + Bytes.both(e.getValue())),
                "seed " + SEED + ": missing " + e.getKey() + "\n" + r.all());
        }
        assertTrue(r.out().contains("  7afe \"z\\xfe\" seq=0 DELETE") || r.out().contains("7a00fe"), r.all());
        assertTrue(r.out().contains("entries shown: 301 (puts 300, deletions 1)"), r.all());
        assertTrue(r.out().contains("range tombstones: 1\n  [61 \"a\", 62 \"b\") seq=0"), r.all());
        assertTrue(r.out().contains("footer (offset " + (Files.size(p) - Footer.LENGTH) + ")"), r.all());
        assertTrue(r.out().contains("filter: ") && r.out().contains("k=7"), r.all());
        assertTrue(r.out().contains("index: ") && r.out().contains("  #1 offset "), r.all());
        assertTrue(r.out().contains("verify: OK ("), r.all());
        assertEquals("", r.err());
    }

    @Test
    void limitNoEntriesAndValueSizes() throws IOException {
        final Path p = writeTable(randomEntries(new Random(SEED), 50), Compression.NONE);
        final CommandRun limited = CommandRun.of(new SstDump(), "--limit", "3", p.toString());
        assertEquals(0, limited.exitCode(), limited.all());
        assertTrue(limited.out().contains("entries shown: 3 (puts 3, deletions 0) (stopped at --limit 3)"),
            limited.all());
        assertTrue(limited.out().contains("value_size="), limited.all());
        final CommandRun none = CommandRun.of(new SstDump(), "--no-entries", p.toString());
        assertEquals(0, none.exitCode(), none.all());
        assertFalse(none.out().contains("entries:"), none.all());
        final CommandRun bad = CommandRun.of(new SstDump(), "--limit", "-5", p.toString());
        assertEquals(2, bad.exitCode(), bad.all());
        assertTrue(bad.err().contains("--limit must be >= 0"), bad.all());
    }

    @Test
    void dumpsTheTablesOfARealDb() throws IOException {
        final Path dir = tmp.resolve("db");
        final Random rnd = new Random(SEED);
        final TreeMap<String, byte[]> entries = randomEntries(rnd, 200);
        try (Db db = Db.open(DbOptions.builder(fs, dir).build())) {
            for (final var e : entries.entrySet()) {
                final Cf cf = e.getKey().hashCode() % 2 == 0 ? Cf.DEFAULT : Cf.WRITE;
                db.put(cf, e.getKey().getBytes(StandardCharsets.US_ASCII), e.getValue(), WriteOptions.NO_SYNC);
            }
            db.delete(Cf.DEFAULT, entries.firstKey().getBytes(StandardCharsets.US_ASCII), WriteOptions.NO_SYNC);
            db.deleteRange(Cf.WRITE, new byte[] {'a'}, new byte[] {'b', 0}, WriteOptions.NO_SYNC);
            db.flush();
        }
        final List<String> args = new ArrayList<>(List.of("--verify"));
        args.addAll(tables(dir));
        assertFalse(tables(dir).isEmpty());
        final CommandRun r = CommandRun.of(new SstDump(), args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "seed " + SEED + "\n" + r.all());
        for (final String k : entries.keySet()) {
            assertTrue(r.out().contains(Bytes.both(k.getBytes(StandardCharsets.US_ASCII)) + " seq="),
                "seed " + SEED + ": missing " + k);
        }
        assertTrue(r.out().contains(Bytes.both(entries.firstKey().getBytes(StandardCharsets.US_ASCII))
            + " seq=201 DELETE"), r.all());
        assertTrue(r.out().contains("range tombstones: 1\n  [61 \"a\", 6200 \"b\\x00\") seq=202"), r.all());
        assertTrue(r.out().contains("verify: OK ("), r.all());
    }

    private static List<String> tables(final Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".sst")).map(Path::toString).sorted().toList();
        }
    }

    private static void flipBit(final Path p, final long offset, final int bit) throws IOException {
        final byte[] b = Files.readAllBytes(p);
        b[(int) offset] ^= (byte) (1 << bit);
        Files.write(p, b);
    }

    @Test
    void flippedBitInADataBlockIsReportedWithFileAndOffset() throws IOException {
        final Random rnd = new Random(SEED);
        final Path p = writeTable(randomEntries(rnd, 100), Compression.NONE);
        flipBit(p, 10 + rnd.nextInt(100), rnd.nextInt(8));
        final CommandRun r = CommandRun.of(new SstDump(), p.toString());
        assertEquals(1, r.exitCode(), "seed " + SEED + "\n" + r.all());
        assertTrue(r.err().contains("corruption in " + p + " at offset 0: block checksum mismatch"), r.all());
        final CommandRun v = CommandRun.of(new SstDump(), "--verify", "--no-entries", p.toString());
        assertEquals(1, v.exitCode(), v.all());
        assertTrue(v.err().contains("corruption in " + p + " at offset 0: block checksum mismatch"), v.all());
    }

    @Test
    void flippedBitInTheFooterIsReportedWithFileAndOffset() throws IOException {
        final Random rnd = new Random(SEED);
        final Path p = writeTable(randomEntries(rnd, 20), Compression.LZ4);
        final long footer = Files.size(p) - Footer.LENGTH;
        flipBit(p, footer + rnd.nextInt(64), rnd.nextInt(8));
        final CommandRun r = CommandRun.of(new SstDump(), "--no-entries", p.toString());
        assertEquals(1, r.exitCode(), "seed " + SEED + "\n" + r.all());
        assertTrue(r.err().contains("corruption in " + p + " at offset " + footer + ": footer checksum mismatch"),
            r.all());
        flipBit(p, Files.size(p) - 1, 0);
        final CommandRun magic = CommandRun.of(new SstDump(), p.toString());
        assertEquals(1, magic.exitCode(), magic.all());
        assertTrue(magic.err().contains("at offset " + (footer + 72) + ": bad table magic"), magic.all());
    }

    /** A data block with a valid checksum but keys out of order: only --verify notices. */
    @Test
    void verifyFindsMisorderedKeysBehindAValidChecksum() throws IOException {
        final TreeMap<String, byte[]> m = new TreeMap<>();
        for (int i = 0; i < 8; i++) {
            m.put("key-" + i, new byte[] {(byte) i});
        }
        final Path p = writeTable(m, Compression.NONE);
        final byte[] b = Files.readAllBytes(p);
        final int blockLen = firstBlockLength(b);
        // First entry: shared=0, non_shared=13, value_len=1, then "key-0"+trailer; make it "key-1", a duplicate.
        assertEquals('0', b[3 + 4]);
        b[3 + 4] = '1';
        Fixed.putInt(b, blockLen + 1, Crc32c.mask(Crc32c.compute(b, 0, blockLen + 1)));
        Files.write(p, b);
        final CommandRun r = CommandRun.of(new SstDump(), "--verify", "--no-entries", p.toString());
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("corruption in " + p + " at offset 0: "), r.all());
        assertTrue(r.err().contains("is not after the previous key"), r.all());
    }

    /** The length of the first data block's contents, found by looking for its uncompressed trailer. */
    private static int firstBlockLength(final byte[] b) {
        for (int n = 4; n + 5 <= b.length; n++) {
            if (b[n] == 0 && Crc32c.unmask(Fixed.getInt(b, n + 1)) == Crc32c.compute(b, 0, n + 1)) {
                return n;
            }
        }
        throw new AssertionError("no block trailer found");
    }

    @Test
    void missingFileAndTruncatedFile() throws IOException {
        final Path missing = tmp.resolve("nope.sst");
        final CommandRun r = CommandRun.of(new SstDump(), missing.toString());
        assertEquals(2, r.exitCode(), r.all());
        assertEquals("sst-dump: " + missing + ": no such file\n", r.err());
        final Path shortFile = tmp.resolve("short.sst");
        Files.write(shortFile, new byte[10]);
        final CommandRun s = CommandRun.of(new SstDump(), shortFile.toString());
        assertEquals(1, s.exitCode(), s.all());
        assertTrue(s.err().contains("corruption in " + shortFile + " at offset 0: file too short"), s.all());
        final CommandRun none = CommandRun.of(new SstDump());
        assertEquals(2, none.exitCode(), none.all());
        final Path good = writeTable(randomEntries(new Random(SEED), 5), Compression.LZ4);
        final CommandRun mixed = CommandRun.of(new SstDump(), missing.toString(), good.toString(),
            shortFile.toString());
        assertEquals(2, mixed.exitCode(), mixed.all());
        assertTrue(mixed.out().contains("entries shown: 6 (puts 5, deletions 1)"), mixed.all());
        assertTrue(mixed.err().contains("no such file") && mixed.err().contains("file too short"), mixed.all());
    }
}
