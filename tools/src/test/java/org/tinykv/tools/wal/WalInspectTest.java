package org.tinykv.tools.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbOptions;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.tools.format.Bytes;
import org.tinykv.tools.format.CommandRun;
import org.tinykv.wal.fs.OsFileSystem;
import org.tinykv.wal.record.RecordWriter;

/**
 * Runs {@code wal-inspect} in-process on the WAL and MANIFEST of a real {@link Db} and on damaged copies. Keys and
 * values are random; the seed is printed and replays with {@code -Dwalinspect.seed=N}.
 */
final class WalInspectTest {

    private static final long SEED = Long.getLong("walinspect.seed", System.nanoTime());

    static {
        System.out.println("WalInspectTest seed=" + SEED + " (replay with -Dwalinspect.seed=" + SEED + ")");
    }

    @TempDir
    Path tmp;

    private final OsFileSystem fs = new OsFileSystem();

    private static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static CommandRun run(final String... args) {
        return CommandRun.of(WalInspect.commandLine(new WalInspect()), args);
    }

    /** Writes random puts one batch each, then a mixed batch; leaves everything in the WAL (no flush). */
    private TreeMap<String, byte[]> writeDb(final Path dir, final Random rnd, final int n) throws IOException {
        final TreeMap<String, byte[]> m = new TreeMap<>();
        try (Db db = Db.open(DbOptions.builder(fs, dir).build())) {
            while (m.size() < n) {
                final byte[] v = new byte[rnd.nextInt(30)];
                rnd.nextBytes(v);
                final String k = "k" + rnd.nextInt(1_000_000);
                if (m.put(k, v) == null) {
                    db.put(Cf.DEFAULT, ascii(k), v, WriteOptions.NO_SYNC);
                }
            }
            db.write(new WriteBatch().put(Cf.LOCK, ascii("lock-key"), new byte[] {1, 2})
                .delete(Cf.WRITE, new byte[] {0, (byte) 0xff})
                .deleteRange(Cf.WRITE, ascii("a"), ascii("c")), WriteOptions.SYNC);
        }
        return m;
    }

    private static List<Path> files(final Path dir, final String suffixOrPrefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(suffixOrPrefix)
                || f.getFileName().toString().startsWith(suffixOrPrefix)).sorted().toList();
        }
    }

    /** The log holding the test's writes: the largest one. */
    private static Path biggestLog(final Path dir) throws IOException {
        Path best = null;
        for (final Path p : files(dir, ".log")) {
            if (best == null || Files.size(p) > Files.size(best)) {
                best = p;
            }
        }
        return best;
    }

    @Test
    void printsEveryOperationOfARealWalAndTheManifest() throws IOException {
        final Path dir = tmp.resolve("db");
        final TreeMap<String, byte[]> m = writeDb(dir, new Random(SEED), 100);
        final Path log = biggestLog(dir);
        final CommandRun r = run("--values", log.toString());
        assertEquals(0, r.exitCode(), "seed " + SEED + "\n" + r.all());
        for (final var e : m.entrySet()) {
            assertTrue(r.out().contains(" PUT cf default key " + Bytes.both(ascii(e.getKey())) + " value "
                + Bytes.both(e.getValue())), "seed " + SEED + ": missing " + e.getKey() + "\n" + r.all());
        }
        assertTrue(r.out().contains("record #0 offset 0 length "), r.all());
        assertTrue(r.out().contains("seq 101 PUT cf lock key 6c6f636b2d6b6579 \"lock-key\" value 0102 \"\\x01\\x02\""),
            r.all());
        assertTrue(r.out().contains("seq 102 DELETE cf write key 00ff \"\\x00\\xff\"\n"), r.all());
        assertTrue(r.out().contains("seq 103 RANGE_DELETE cf write key 61 \"a\" end 63 \"c\""), r.all());
        assertTrue(r.out().contains("write batches: 101, operations 103 (puts 101, deletes 1, range deletes 1)"),
            r.all());
        assertTrue(r.out().contains("per column family: default=100 lock=1 write=2"), r.all());
        assertTrue(r.out().contains("sequence numbers 1..103"), r.all());
        assertEquals("", r.err());

        final CommandRun quiet = run("--no-records", log.toString());
        assertEquals(0, quiet.exitCode(), quiet.all());
        assertFalse(quiet.out().contains("record #"), quiet.all());
        assertTrue(quiet.out().contains("records 101, payload bytes "), quiet.all());

        final List<Path> manifests = files(dir, "MANIFEST-");
        assertFalse(manifests.isEmpty());
        final CommandRun man = run(manifests.get(manifests.size() - 1).toString());
        assertEquals(0, man.exitCode(), man.all());
        assertTrue(man.out().contains("version edit: log number "), man.all());
        assertTrue(man.out().contains("final state: log number "), man.all());
    }

    @Test
    void manifestOfAFlushedDbListsItsTables() throws IOException {
        final Path dir = tmp.resolve("db");
        writeDb(dir, new Random(SEED), 20);
        try (Db db = Db.open(DbOptions.builder(fs, dir).build())) {
            db.flush();
        }
        final List<Path> manifests = files(dir, "MANIFEST-");
        final CommandRun r = run(manifests.get(manifests.size() - 1).toString());
        assertEquals(0, r.exitCode(), r.all());
        for (final Path t : files(dir, ".sst")) {
            assertTrue(r.out().contains(" " + t.getFileName() + " size " + Files.size(t)), t + "\n" + r.all());
        }
        assertTrue(r.out().contains("add cf default level 0 file "), r.all());
        assertTrue(r.out().contains("smallest 6b"), r.all());
    }

    @Test
    void flippedBitInTheMiddleIsReportedWithFileAndOffset() throws IOException {
        final Path dir = tmp.resolve("db");
        final Random rnd = new Random(SEED);
        writeDb(dir, rnd, 50);
        final Path log = biggestLog(dir);
        final byte[] b = Files.readAllBytes(log);
        b[8 + rnd.nextInt(4)] ^= (byte) (1 << rnd.nextInt(8)); // inside record #0 (header 7 bytes, seq 8 bytes)
        Files.write(log, b);
        final CommandRun r = run(log.toString());
        assertEquals(1, r.exitCode(), "seed " + SEED + "\n" + r.all());
        assertTrue(r.err().contains("wal-inspect: corruption in " + log + " at offset 0: "), r.all());
        assertTrue(r.out().contains("records 0, payload bytes 0"), r.all());

        final CommandRun skip = run("--mode", "skip", log.toString());
        assertEquals(1, skip.exitCode(), skip.all());
        assertTrue(skip.err().contains("corruption in " + log + " at offset 0: "), skip.all());
        assertTrue(skip.out().contains("records 50, payload bytes "), skip.all());
        assertTrue(skip.out().contains("corruptions skipped 1"), skip.all());
    }

    @Test
    void tornTailIsReportedAndOnlyAbsoluteModeStopsBeforeTheSummary() throws IOException {
        final Path dir = tmp.resolve("db");
        writeDb(dir, new Random(SEED), 10);
        final Path log = biggestLog(dir);
        final Matcher end = Pattern.compile("last record ends at offset (\\d+) ").matcher(run(log.toString()).out());
        assertTrue(end.find());
        final int cut = Integer.parseInt(end.group(1)) - 3; // the WAL is preallocated: cut inside the last record
        Files.write(log, Arrays.copyOf(Files.readAllBytes(log), cut));
        final CommandRun tolerate = run(log.toString());
        assertEquals(1, tolerate.exitCode(), tolerate.all());
        assertTrue(tolerate.out().contains("records 10, "), tolerate.all());
        assertTrue(tolerate.out().contains("corruptions skipped 1"), tolerate.all());
        assertTrue(tolerate.err().contains("corruption in " + log + " at offset "), tolerate.all());
        final CommandRun absolute = run("--mode=absolute", log.toString());
        assertEquals(1, absolute.exitCode(), absolute.all());
        assertTrue(absolute.err().contains("corruption in " + log + " at offset "), absolute.all());
    }

    @Test
    void recordThatIsNotAWriteBatchIsReportedAndSkipped() throws IOException {
        final Path log = tmp.resolve("000009.log");
        final byte[] good = new byte[] {5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 'k', 1, 'v'};
        final long second;
        try (RecordWriter w = new RecordWriter(fs.create(log))) {
            w.addRecord(good);
            second = w.offset();
            w.addRecord(new byte[] {1, 2, 3});
            w.addRecord(good);
            w.sync();
        }
        final CommandRun r = run(log.toString());
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("corruption in " + log + " at offset " + second + ": bad write batch: "),
            r.all());
        assertTrue(r.out().contains("record #2 offset "), r.all());
        assertTrue(r.out().contains("write batches: 2, operations 2"), r.all());
        final CommandRun raw = run("--format=raw", log.toString());
        assertEquals(0, raw.exitCode(), raw.all());
        assertTrue(raw.out().contains("    010203 \"\\x01\\x02\\x03\""), raw.all());
    }

    @Test
    void usageErrors() throws IOException {
        final Path missing = tmp.resolve("000001.log");
        final CommandRun r = run(missing.toString());
        assertEquals(2, r.exitCode(), r.all());
        assertEquals("wal-inspect: " + missing + ": no such file\n", r.err());
        Files.write(missing, new byte[0]);
        assertEquals(2, run("--mode", "bogus", missing.toString()).exitCode());
        assertEquals(2, run().exitCode());
        final CommandRun empty = run(missing.toString());
        assertEquals(0, empty.exitCode(), empty.all());
        assertTrue(empty.out().contains("records 0, payload bytes 0"), empty.all());
    }
}
